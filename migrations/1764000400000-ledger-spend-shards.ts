import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every charge and hold credits `generation_spend`, so its row was the one lock all writers
 * queued on. It becomes 16 rows with the same code; a user's movements always use the same shard.
 */
export class LedgerSpendShards1764000400000 implements MigrationInterface {
  name = 'LedgerSpendShards1764000400000';

  async up(q: QueryRunner): Promise<void> {
    // The same ids as GENERATION_SPEND_SHARDS in libs/ledger, frozen here as migrations must be.
    for (let shard = 1; shard < 16; shard++) {
      const id = `00000000-0000-4000-8004-${shard.toString(16).padStart(12, '0')}`;
      await q.query(`INSERT INTO ledger_accounts (id, code, debits_must_not_exceed_credits) VALUES ($1, 'generation_spend', false)`, [id]);
    }
  }

  async down(): Promise<void> {
    // Shards hold transfers once used; merging them back is not a schema change.
    throw new Error('LedgerSpendShards1764000400000 cannot be reverted');
  }
}
