import type { DataSource, EntityManager } from 'typeorm';

export interface LedgerViolation {
  check: string;
  detail: Record<string, unknown>;
}

type Db = Pick<DataSource | EntityManager, 'query'>;

/** Stale holds are tolerated for this long: the worker voids them on a 30 s schedule. */
const STALE_HOLD_GRACE = '1 minute';

/**
 * Every invariant of the ledger, checked from the rows themselves. Returns the first violation,
 * or undefined when the ledger is sound. Used by `npm run ledger:verify` and by the tests.
 */
export async function verifyLedger(db: Db): Promise<LedgerViolation | undefined> {
  const [sums]: { posted: string | null; pending: string | null }[] = await db.query(
    `SELECT sum(credits_posted - debits_posted) AS posted, sum(credits_pending - debits_pending) AS pending FROM ledger_accounts`,
  );
  if (Number(sums.posted ?? 0) !== 0 || Number(sums.pending ?? 0) !== 0) {
    return { check: 'sum over all accounts is zero', detail: { posted: Number(sums.posted), pending: Number(sums.pending) } };
  }

  const [overdrawn]: { id: string; balance: string; reserved: string }[] = await db.query(
    `SELECT id, credits_posted - debits_posted AS balance, debits_pending AS reserved FROM ledger_accounts
     WHERE debits_must_not_exceed_credits AND debits_posted + debits_pending > credits_posted LIMIT 1`,
  );
  if (overdrawn)
    return {
      check: 'no account below zero available',
      detail: { accountId: overdrawn.id, balance: Number(overdrawn.balance), reserved: Number(overdrawn.reserved) },
    };

  const [drifted]: Record<string, string>[] = await db.query(`
    WITH open AS (
      SELECT t.id FROM ledger_transfers t
      WHERE t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)
    ), moves AS (
      SELECT debit_account_id AS account_id,
             CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END AS debits_posted, 0 AS credits_posted,
             CASE WHEN id IN (SELECT id FROM open) THEN amount ELSE 0 END AS debits_pending, 0 AS credits_pending
      FROM ledger_transfers
      UNION ALL
      SELECT credit_account_id, 0, CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END,
             0, CASE WHEN id IN (SELECT id FROM open) THEN amount ELSE 0 END
      FROM ledger_transfers
    ), sums AS (
      SELECT account_id, sum(debits_posted) AS dp, sum(credits_posted) AS cp, sum(debits_pending) AS dq, sum(credits_pending) AS cq FROM moves GROUP BY account_id
    )
    SELECT a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
           coalesce(s.dp, 0) AS from_transfers_debits_posted, coalesce(s.cp, 0) AS from_transfers_credits_posted,
           coalesce(s.dq, 0) AS from_transfers_debits_pending, coalesce(s.cq, 0) AS from_transfers_credits_pending
    FROM ledger_accounts a LEFT JOIN sums s ON s.account_id = a.id
    WHERE a.debits_posted <> coalesce(s.dp, 0) OR a.credits_posted <> coalesce(s.cp, 0)
       OR a.debits_pending <> coalesce(s.dq, 0) OR a.credits_pending <> coalesce(s.cq, 0)
    LIMIT 1`);
  if (drifted) return { check: 'account balances equal the sum of their transfers', detail: mapValues(drifted) };

  const [overposted]: { id: string; amount: string; held: string }[] = await db.query(
    `SELECT r.id, r.amount, p.amount AS held FROM ledger_transfers r JOIN ledger_transfers p ON p.id = r.pending_id WHERE r.phase = 'post' AND r.amount > p.amount LIMIT 1`,
  );
  if (overposted)
    return { check: 'no capture exceeds its hold', detail: { transferId: overposted.id, amount: Number(overposted.amount), held: Number(overposted.held) } };

  const [stale]: { id: string; timeout_at: Date }[] = await db.query(
    `SELECT t.id, t.timeout_at FROM ledger_transfers t
     WHERE t.phase = 'pending' AND t.timeout_at < now() - interval '${STALE_HOLD_GRACE}'
       AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)
     ORDER BY t.timeout_at LIMIT 1`,
  );
  if (stale)
    return { check: `no hold past its timeout by more than ${STALE_HOLD_GRACE}`, detail: { holdId: stale.id, timeoutAt: stale.timeout_at.toISOString() } };
  return undefined;
}

function mapValues(row: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'id' ? value : Number(value)]));
}
