import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments (seed 002's payment_ledger): one row per payment at any provider. The credit itself is a
 * ledger transfer keyed by the provider's id, so this table records state, not money. An intent row
 * is written only once the gateway has answered with its id, so no row lacks one (Stars rows get
 * theirs, the charge id, when paid).
 */
export class Payments1764001300000 implements MigrationInterface {
  name = 'Payments1764001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        provider varchar(16) NOT NULL CHECK (provider IN ('yookassa', 'stripe', 'telegram')),
        external_id varchar(255),
        user_id uuid NOT NULL REFERENCES users(id),
        tariff_id uuid REFERENCES tariffs(id),
        plan varchar(64),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency varchar(8) NOT NULL,
        credits bigint NOT NULL CHECK (credits > 0),
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'canceled', 'expired')),
        refund_status varchar(16) CHECK (refund_status IN ('pending', 'succeeded', 'failed')),
        refunded_minor bigint NOT NULL DEFAULT 0,
        refunded_credits bigint NOT NULL DEFAULT 0,
        referral_reward bigint NOT NULL DEFAULT 0,
        idempotency_key varchar(255) UNIQUE,
        payment_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        succeeded_at timestamptz,
        refunded_at timestamptz,
        UNIQUE (provider, external_id)
      )`);
    await q.query(`CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC)`);
    // Gateway event ids already handled (Stripe's evt_…): a resent event is answered 200 and ignored.
    await q.query(`
      CREATE TABLE payment_events (
        provider varchar(16) NOT NULL,
        event_id varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payment_events`);
    await q.query(`DROP TABLE payments`);
  }
}
