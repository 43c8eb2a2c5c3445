import type { DataSource, EntityManager } from 'typeorm';

/**
 * Moves the clock past a hold's timeout without waiting: the hold's timestamps shift back
 * together, as if its whole lifetime (and a second more) had passed. Its ttl (timeout_at −
 * created_at) stays what it was, so a replay of the reserve still matches the original.
 */
export async function backdateHold(db: DataSource | EntityManager, holdId: string): Promise<void> {
  await db.query(
    `UPDATE ledger_transfers SET created_at = created_at - (timeout_at - now()) - interval '1 second', timeout_at = now() - interval '1 second' WHERE id = $1 AND phase = 'pending'`,
    [holdId],
  );
}
