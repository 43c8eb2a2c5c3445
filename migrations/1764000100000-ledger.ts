import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credits ledger (TigerBeetle's model): accounts with posted and pending counters, and
 * immutable transfers. A pending transfer (a hold) is resolved by exactly one later transfer that
 * posts or voids it. The account CHECK is what keeps a user's available balance from going below
 * zero under any concurrency: an UPDATE that would break it fails and its transaction rolls back.
 */
export class Ledger1764000100000 implements MigrationInterface {
  name = 'Ledger1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE system_settings (
        key varchar(64) PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO system_settings (key, value) VALUES ('welcome_bonus_credits', '0')`);

    await q.query(`
      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY,
        code varchar(32) NOT NULL,
        user_id uuid UNIQUE REFERENCES users (id) ON DELETE RESTRICT,
        debits_pending bigint NOT NULL DEFAULT 0,
        debits_posted bigint NOT NULL DEFAULT 0,
        credits_pending bigint NOT NULL DEFAULT 0,
        credits_posted bigint NOT NULL DEFAULT 0,
        debits_must_not_exceed_credits boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_accounts_counters_non_negative CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0),
        CONSTRAINT ledger_accounts_available_non_negative CHECK (NOT debits_must_not_exceed_credits OR debits_posted + debits_pending <= credits_posted),
        CONSTRAINT ledger_accounts_user_has_user_code CHECK ((code = 'user') = (user_id IS NOT NULL))
      )`);
    await q.query(`
      INSERT INTO ledger_accounts (id, code, debits_must_not_exceed_credits) VALUES
        ('00000000-0000-4000-8000-000000000001', 'purchases', false),
        ('00000000-0000-4000-8000-000000000002', 'promotions', false),
        ('00000000-0000-4000-8000-000000000003', 'bonuses', false),
        ('00000000-0000-4000-8000-000000000004', 'generation_spend', false),
        ('00000000-0000-4000-8000-000000000005', 'refunds', false),
        ('00000000-0000-4000-8000-000000000006', 'adjustments', false)`);

    await q.query(`
      CREATE TABLE ledger_transfers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key varchar(255) NOT NULL,
        debit_account_id uuid NOT NULL REFERENCES ledger_accounts (id),
        credit_account_id uuid NOT NULL REFERENCES ledger_accounts (id),
        amount bigint NOT NULL,
        phase varchar(8) NOT NULL,
        pending_id uuid REFERENCES ledger_transfers (id),
        timeout_at timestamptz,
        kind varchar(32) NOT NULL,
        reference varchar(255),
        meta jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_transfers_idempotency_key_key UNIQUE (idempotency_key),
        CONSTRAINT ledger_transfers_amount_positive CHECK (amount > 0),
        CONSTRAINT ledger_transfers_two_accounts CHECK (debit_account_id <> credit_account_id),
        CONSTRAINT ledger_transfers_phase CHECK (phase IN ('single', 'pending', 'post', 'void')),
        CONSTRAINT ledger_transfers_pending_shape CHECK ((phase IN ('post', 'void')) = (pending_id IS NOT NULL) AND (phase = 'pending') = (timeout_at IS NOT NULL))
      )`);
    // At most one resolution per hold: the second post or void of the same hold fails here.
    await q.query(`CREATE UNIQUE INDEX ledger_transfers_one_resolution ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL`);
    await q.query(`CREATE INDEX ledger_transfers_debit_idx ON ledger_transfers (debit_account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ledger_transfers_credit_idx ON ledger_transfers (credit_account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ledger_transfers_open_holds_idx ON ledger_transfers (timeout_at) WHERE phase = 'pending'`);

    // A user's credits account is created with the user, in the same statement, so no code path
    // can see a user without one. Its id is the user's id.
    await q.query(`
      CREATE FUNCTION ledger_create_user_account() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ledger_accounts (id, code, user_id, debits_must_not_exceed_credits) VALUES (NEW.id, 'user', NEW.id, true);
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER users_ledger_account AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION ledger_create_user_account()`);
    await q.query(
      `INSERT INTO ledger_accounts (id, code, user_id, debits_must_not_exceed_credits) SELECT id, 'user', id, true FROM users ON CONFLICT DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER users_ledger_account ON users`);
    await q.query(`DROP FUNCTION ledger_create_user_account()`);
    await q.query(`DROP TABLE ledger_transfers`);
    await q.query(`DROP TABLE ledger_accounts`);
    await q.query(`DROP TABLE system_settings`);
  }
}
