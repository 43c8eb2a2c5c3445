import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger counters only grow, and 1 024 transfers of 2^53 overflowed a system account's bigint
 * counter, after which every transfer through that account failed. Each counter now stays within
 * 9e15 (below 2^53, so balances read into JS numbers are exact) and each transfer within 1e15 (so
 * `counter + amount` can never leave bigint on the way to this CHECK). The numbers are frozen
 * here as migrations must be; libs/ledger's ledger.limits.ts says the same.
 *
 * NOT VALID: a row already past the bound (from before it) is not rewritten, but any transfer
 * that touches it must bring it back within, which is a 422 rather than a later overflow.
 */
export class LedgerCounterBounds1764000900000 implements MigrationInterface {
  name = 'LedgerCounterBounds1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_counters_bounded
        CHECK (debits_pending <= 9000000000000000 AND debits_posted <= 9000000000000000 AND credits_pending <= 9000000000000000 AND credits_posted <= 9000000000000000) NOT VALID`);
    await q.query(`ALTER TABLE ledger_transfers ADD CONSTRAINT ledger_transfers_amount_bounded CHECK (amount <= 1000000000000000) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_transfers DROP CONSTRAINT ledger_transfers_amount_bounded`);
    await q.query(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_counters_bounded`);
  }
}
