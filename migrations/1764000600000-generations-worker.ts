import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the worker needs to recover from crashes and to clean up.
 *
 * Two jobs can reach a finished generation at once (a refresh poll beside the polling chain, a job
 * resumed after a crash): the one that sets `delivery_claimed_at` sends the result, the other does
 * not. A claim left by a worker that died before sending goes stale and may be taken again.
 */
export class GenerationsWorker1764000600000 implements MigrationInterface {
  name = 'GenerationsWorker1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE generations ADD COLUMN delivery_claimed_at timestamptz`);
    // The minute sweep looks for running generations and for results never delivered.
    await q.query(`CREATE INDEX generations_running_idx ON generations (started_at) WHERE status = 'running'`);
    // Cleanup removes every upload past its expiry, confirmed or not (the old index covered pending ones).
    await q.query(`CREATE INDEX data_objects_expiry_idx ON data_objects (expires_at)`);
    await q.query(
      `CREATE INDEX generations_undelivered_idx ON generations (finished_at) WHERE status = 'succeeded' AND delivered_at IS NULL AND chat_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX generations_undelivered_idx`);
    await q.query(`DROP INDEX data_objects_expiry_idx`);
    await q.query(`DROP INDEX generations_running_idx`);
    await q.query(`ALTER TABLE generations DROP COLUMN delivery_claimed_at`);
  }
}
