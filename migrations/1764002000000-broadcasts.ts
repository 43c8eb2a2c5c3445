import { MigrationInterface, QueryRunner } from 'typeorm';

export class Broadcasts1764002000000 implements MigrationInterface {
  name = 'Broadcasts1764002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE broadcasts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        public_id varchar(32) NOT NULL,
        content jsonb NOT NULL,
        filter jsonb NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
        scheduled_at timestamptz,
        allow_paid_broadcast boolean NOT NULL DEFAULT false,
        delivery varchar(16) NOT NULL DEFAULT 'exactly_once' CHECK (delivery IN ('exactly_once', 'at_least_once')),
        media_file_id text,
        expand_cursor uuid,
        expanded_at timestamptz,
        total_count integer NOT NULL DEFAULT 0,
        sent_count integer NOT NULL DEFAULT 0,
        failed_count integer NOT NULL DEFAULT 0,
        blocked_count integer NOT NULL DEFAULT 0,
        created_by bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT broadcasts_public_id_key UNIQUE (public_id)
      )`);
    await q.query(`CREATE INDEX broadcasts_created_at_idx ON broadcasts (created_at DESC)`);
    // One row per recipient: its claim (status 'sending', lane, claimed_by) is written before the
    // call to Telegram and its outcome after, which is what makes a crash resolvable without a resend.
    await q.query(`
      CREATE TABLE broadcast_recipients (
        id bigserial PRIMARY KEY,
        broadcast_id uuid NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        chat_id bigint NOT NULL,
        status varchar(8) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
        lane smallint,
        claimed_by varchar(64),
        attempts smallint NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        error text,
        message_id bigint,
        claimed_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT broadcast_recipients_once UNIQUE (broadcast_id, user_id)
      )`);
    await q.query(`CREATE INDEX broadcast_recipients_pending_idx ON broadcast_recipients (broadcast_id, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX broadcast_recipients_sending_idx ON broadcast_recipients (broadcast_id, lane) WHERE status = 'sending'`);
    // The audience filters walk users in id order (keyset pages); these let the selective ones skip the rest.
    await q.query(`CREATE INDEX users_language_id_idx ON users (language, id)`);
    await q.query(`CREATE INDEX users_advertising_source_id_idx ON users (advertising_source, id) WHERE advertising_source IS NOT NULL`);
    await q.query(`CREATE INDEX users_last_activity_at_idx ON users (last_activity_at) WHERE last_activity_at IS NOT NULL`);
    await q.query(`CREATE INDEX payments_user_succeeded_idx ON payments (user_id) WHERE status = 'succeeded'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments_user_succeeded_idx`);
    await q.query(`DROP INDEX users_last_activity_at_idx`);
    await q.query(`DROP INDEX users_advertising_source_id_idx`);
    await q.query(`DROP INDEX users_language_id_idx`);
    await q.query(`DROP TABLE broadcast_recipients`);
    await q.query(`DROP TABLE broadcasts`);
  }
}
