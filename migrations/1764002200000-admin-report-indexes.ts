import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seed 002's admin dashboards and lists read generations and payments by time, status and model;
 * without these each chart, the status filter and the per-model counts scan their table whole.
 * The time index carries model, status, price and trial so the stats and charts are index-only scans.
 */
export class AdminReportIndexes1764002200000 implements MigrationInterface {
  name = 'AdminReportIndexes1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX generations_created_idx ON generations (created_at) INCLUDE (model_id, status, price_credits, is_trial)`);
    await q.query(`CREATE INDEX generations_status_created_idx ON generations (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX generations_model_idx ON generations (model_id)`);
    await q.query(`CREATE INDEX payments_created_idx ON payments (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments_created_idx`);
    await q.query(`DROP INDEX generations_model_idx`);
    await q.query(`DROP INDEX generations_status_created_idx`);
    await q.query(`DROP INDEX generations_created_idx`);
  }
}
