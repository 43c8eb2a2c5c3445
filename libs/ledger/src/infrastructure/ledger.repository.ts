import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { canonicalJson } from '@genbot/core';
import {
  accountNotFound,
  captureExceedsHold,
  holdAlreadyResolved,
  holdNotFound,
  idempotencyConflict,
  insufficientCredits,
  limitExceeded,
} from '../domain/ledger.errors';
import { Balance, Transfer, TransferKind, TransferPhase } from '../domain/ledger.types';

export interface NewTransfer {
  idempotencyKey: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  phase: 'single' | 'pending';
  timeoutSeconds?: number;
  kind: TransferKind;
  reference?: string | null;
  meta?: Record<string, unknown>;
}

export interface Resolution {
  idempotencyKey: string;
  pendingId: string;
  phase: 'post' | 'void';
  /** For post: how much of the hold to capture (defaults to all of it). */
  amount?: number;
  meta?: Record<string, unknown>;
}

export type ResolveOutcome = { transfer: Transfer; created: boolean; expired?: false } | { expired: true; pending: Transfer };

interface Row {
  id: string;
  idempotency_key: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  phase: TransferPhase;
  pending_id: string | null;
  timeout_at: Date | null;
  kind: TransferKind;
  reference: string | null;
  meta: Record<string, unknown>;
  created_at: Date;
}

const TRANSFER_COLUMNS = 'id, idempotency_key, debit_account_id, credit_account_id, amount, phase, pending_id, timeout_at, kind, reference, meta, created_at';

const T_COLUMNS = TRANSFER_COLUMNS.split(', ')
  .map((column) => `t.${column}`)
  .join(', ');

/**
 * CTEs that lock a new transfer's two accounts (from CTE `t`) in id order, then move their
 * counters. Locking in id order means two transfers between the same accounts never deadlock:
 * a plain `UPDATE … WHERE id IN (…)` would lock in heap order, which changes as rows get new
 * versions. `ORDER BY … FOR NO KEY UPDATE` takes the locks after sorting.
 */
// Data-modifying CTEs always run to completion, so `moved` needs no reader.
function moveCounters(pending: string, posted: string, extraFrom = ''): string {
  return `locked AS (
      SELECT a.id FROM ledger_accounts a, t WHERE a.id IN (t.debit_account_id, t.credit_account_id) ORDER BY a.id FOR NO KEY UPDATE OF a
    ), moved AS (
      UPDATE ledger_accounts a SET
        debits_pending = a.debits_pending + CASE WHEN a.id = t.debit_account_id THEN ${pending} ELSE 0 END,
        debits_posted = a.debits_posted + CASE WHEN a.id = t.debit_account_id THEN ${posted} ELSE 0 END,
        credits_pending = a.credits_pending + CASE WHEN a.id = t.credit_account_id THEN ${pending} ELSE 0 END,
        credits_posted = a.credits_posted + CASE WHEN a.id = t.credit_account_id THEN ${posted} ELSE 0 END
      FROM locked, t${extraFrom} WHERE a.id = locked.id
      RETURNING a.id
    )`;
}

/**
 * A transfer is one SQL statement: insert the immutable transfer (the idempotency key makes a
 * retry a no-op), lock both accounts in id order and move their counters. One round trip, so the
 * account rows (hot ones like `generation_spend` included) are locked only while PostgreSQL runs
 * that statement and commits. The accounts' CHECK constraint is the final word on overdrafts: a
 * violating UPDATE aborts the statement, transfer row included.
 */
@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * With `em`, inside the caller's transaction: the transfer commits or rolls back with the caller's
   * other rows, and the accounts stay locked until that commit, so callers keep it the last thing
   * before committing. A refusal (insufficient credits) aborts that transaction like any failed
   * statement; a caller that wants to carry on wraps the call in a nested `em.transaction` (a savepoint).
   */
  async create(input: NewTransfer, em?: EntityManager): Promise<{ transfer: Transfer; created: boolean }> {
    const db = em ?? this.dataSource.manager;
    return this.guard(input, async () => {
      const rows: Row[] = await db.query(
        `WITH t AS (
           INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, timeout_at, kind, reference, meta)
           VALUES ($1, $2, $3, $4, $5::varchar, CASE WHEN $5::varchar = 'pending' THEN now() + make_interval(secs => $6::double precision) END, $7, $8, $9)
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING ${TRANSFER_COLUMNS}
         ), ${moveCounters(`CASE WHEN t.phase = 'pending' THEN t.amount ELSE 0 END`, `CASE WHEN t.phase = 'single' THEN t.amount ELSE 0 END`)}
         SELECT ${T_COLUMNS} FROM t`,
        [
          input.idempotencyKey,
          input.debitAccountId,
          input.creditAccountId,
          input.amount,
          input.phase,
          input.timeoutSeconds ?? 0,
          input.kind,
          input.reference ?? null,
          input.meta ?? {},
        ],
      );
      if (rows.length > 0) return { transfer: toTransfer(rows[0]), created: true };
      const existing = await this.byKey(db, input.idempotencyKey);
      if (!sameTransfer(existing, input)) throw idempotencyConflict(input.idempotencyKey);
      return { transfer: existing, created: false };
    });
  }

  /**
   * Posts or voids a hold. The common case (an open, unexpired hold, a fitting amount) is one
   * statement; anything else (a replay, a hold already resolved, expired or unknown, too large a
   * capture, or a race with another resolution) takes the careful path below to say which.
   */
  async resolve(input: Resolution): Promise<ResolveOutcome> {
    try {
      const rows: Row[] = await this.dataSource.query(
        `WITH p AS (
           SELECT id, debit_account_id, credit_account_id, amount, kind, reference, meta FROM ledger_transfers
           WHERE id = $1 AND phase = 'pending' AND timeout_at > now()
         ), t AS (
           INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, pending_id, kind, reference, meta)
           SELECT $2, p.debit_account_id, p.credit_account_id, CASE WHEN $3::varchar = 'post' THEN coalesce($4::bigint, p.amount) ELSE p.amount END,
                  $3::varchar, p.id, p.kind, p.reference, p.meta || $5::jsonb
           FROM p WHERE $3::varchar = 'void' OR coalesce($4::bigint, p.amount) <= p.amount
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING ${TRANSFER_COLUMNS}
         ), ${moveCounters('-p.amount', `CASE WHEN t.phase = 'post' THEN t.amount ELSE 0 END`, ', p')}
         SELECT ${T_COLUMNS} FROM t`,
        [input.pendingId, input.idempotencyKey, input.phase, input.amount ?? null, input.meta ?? {}],
      );
      if (rows.length > 0) return { transfer: toTransfer(rows[0]), created: true };
    } catch (error) {
      // Another resolution of this hold won the unique index: the careful path reports it.
      if (!(error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'ledger_transfers_one_resolution'))
        throw translateBound(error, input.amount);
    }
    try {
      return await this.resolveCarefully(input);
    } catch (error) {
      throw translateBound(error, input.amount);
    }
  }

  private async resolveCarefully(input: Resolution): Promise<ResolveOutcome> {
    return this.dataSource.transaction(async (em) => {
      // Lock the hold first: resolutions of one hold queue up here, and each then sees the
      // outcome of the ones before it (a retry with the same key finds its own earlier result).
      const [pendingRow]: Row[] = await em.query(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = $1 AND phase = 'pending' FOR UPDATE`, [
        input.pendingId,
      ]);
      if (!pendingRow) throw holdNotFound(input.pendingId);
      const pending = toTransfer(pendingRow);
      const replay = await this.findByKey(em, input.idempotencyKey);
      if (replay) {
        if (replay.pendingId !== input.pendingId || replay.phase !== input.phase || (input.amount !== undefined && replay.amount !== input.amount)) {
          throw idempotencyConflict(input.idempotencyKey);
        }
        return { transfer: replay, created: false };
      }
      const [resolved]: { phase: string; idempotency_key: string }[] = await em.query(
        `SELECT phase, idempotency_key FROM ledger_transfers WHERE pending_id = $1`,
        [pending.id],
      );
      if (resolved?.idempotency_key === `expire:${pending.id}`) return { expired: true, pending };
      if (resolved) throw holdAlreadyResolved(pending.id, resolved.phase);
      if (input.phase === 'post' && input.amount !== undefined && input.amount > pending.amount)
        throw captureExceedsHold(pending.id, pending.amount, input.amount);

      const [{ expired }]: { expired: boolean }[] = await em.query(`SELECT $1::timestamptz <= now() AS expired`, [pending.timeoutAt]);
      const phase = input.phase === 'post' && expired ? 'void' : input.phase;
      const amount = phase === 'post' ? (input.amount ?? pending.amount) : pending.amount;
      const key = phase === input.phase ? input.idempotencyKey : `expire:${pending.id}`;
      const [row]: Row[] = await em.query(
        `WITH t AS (
           INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, pending_id, kind, reference, meta)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${TRANSFER_COLUMNS}
         ), ${moveCounters('$10::bigint', `CASE WHEN t.phase = 'post' THEN t.amount ELSE 0 END`)}
         SELECT ${T_COLUMNS} FROM t`,
        [
          key,
          pending.debitAccountId,
          pending.creditAccountId,
          amount,
          phase,
          pending.id,
          pending.kind,
          pending.reference,
          { ...pending.meta, ...(input.meta ?? {}) },
          -pending.amount,
        ],
      );
      const transfer = toTransfer(row);
      return phase === input.phase ? { transfer, created: true } : { expired: true, pending };
    });
  }

  /** Holds whose timeout has passed and that nobody resolved yet, oldest first. */
  async dueHolds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT t.id FROM ledger_transfers t
       WHERE t.phase = 'pending' AND t.timeout_at <= now()
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)
       ORDER BY t.timeout_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  async balance(accountId: string): Promise<Balance | undefined> {
    const [row]: { balance: string; reserved: string }[] = await this.dataSource.query(
      `SELECT credits_posted - debits_posted AS balance, debits_pending AS reserved FROM ledger_accounts WHERE id = $1`,
      [accountId],
    );
    if (!row) return undefined;
    const balance = Number(row.balance);
    const reserved = Number(row.reserved);
    return { balance, reserved, available: balance - reserved };
  }

  async findTransfer(id: string): Promise<Transfer | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = $1`, [id]);
    return row ? toTransfer(row) : undefined;
  }

  /**
   * Credits that moved into `accountIds` on `day` (YYYY-MM-DD, the database's time zone) and how
   * many transfers moved them: posted holds and single transfers, so open and voided holds are
   * left out (ledger_transfers_credit_idx).
   */
  async creditedOn(accountIds: readonly string[], day: string): Promise<{ credits: number; transfers: number }> {
    const [row]: { credits: string; transfers: number }[] = await this.dataSource.query(
      `SELECT COALESCE(sum(amount), 0) AS credits, count(*)::int AS transfers FROM ledger_transfers
        WHERE credit_account_id = ANY($1::uuid[]) AND phase IN ('single', 'post') AND created_at >= $2::date AND created_at < $2::date + 1`,
      [accountIds, day],
    );
    return { credits: Number(row.credits), transfers: row.transfers };
  }

  /** Transfers that moved or hold a user's credits, newest first; resolved holds and voids are left out. */
  async history(accountId: string, limit: number, beforeId?: string): Promise<Transfer[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers t
       WHERE (t.debit_account_id = $1 OR t.credit_account_id = $1)
         AND (t.phase IN ('single', 'post') OR (t.phase = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)))
         AND ($2::uuid IS NULL OR (t.created_at, t.id) < (SELECT c.created_at, c.id FROM ledger_transfers c WHERE c.id = $2))
       ORDER BY t.created_at DESC, t.id DESC
       LIMIT $3`,
      [accountId, beforeId ?? null, limit],
    );
    return rows.map(toTransfer);
  }

  private async findByKey(em: EntityManager, key: string): Promise<Transfer | undefined> {
    const [row]: Row[] = await em.query(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE idempotency_key = $1`, [key]);
    return row ? toTransfer(row) : undefined;
  }

  private async byKey(em: EntityManager, key: string): Promise<Transfer> {
    const found = await this.findByKey(em, key);
    if (!found) throw new Error(`transfer ${key} vanished after a key conflict`);
    return found;
  }

  /** Turns the database's verdicts into domain errors. */
  private async guard<T>(input: NewTransfer, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const driver = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
      if (driver?.code === '23514' && driver.constraint === 'ledger_accounts_available_non_negative')
        throw insufficientCredits({ accountId: input.debitAccountId, amount: input.amount });
      if (driver?.code === '23503') throw accountNotFound(driver.constraint?.includes('credit_account') ? input.creditAccountId : input.debitAccountId);
      throw translateBound(error, input.amount, [input.debitAccountId, input.creditAccountId]);
    }
  }
}

/** A counter that would pass its bound (or, should a bound ever be missing, leave bigint) is a 422, not a 500. */
function translateBound(error: unknown, amount: number | undefined, accountIds: string[] = []): unknown {
  const driver = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  const bounded =
    driver?.code === '23514' && (driver.constraint === 'ledger_accounts_counters_bounded' || driver.constraint === 'ledger_transfers_amount_bounded');
  return bounded || driver?.code === '22003' ? limitExceeded({ accountIds, amount }) : error;
}

/**
 * Whether a replay asks for the transfer that its key already made: every parameter, compared
 * by value (meta canonically, as jsonb reorders keys), and for a hold its time to live, which
 * the insert fixed as timeout_at − created_at (both from the same now()).
 */
function sameTransfer(existing: Transfer, input: NewTransfer): boolean {
  return (
    existing.debitAccountId === input.debitAccountId &&
    existing.creditAccountId === input.creditAccountId &&
    existing.amount === input.amount &&
    existing.phase === input.phase &&
    existing.kind === input.kind &&
    existing.reference === (input.reference ?? null) &&
    canonicalJson(existing.meta) === canonicalJson(input.meta ?? {}) &&
    (input.phase !== 'pending' || existing.timeoutAt!.getTime() - existing.createdAt.getTime() === (input.timeoutSeconds ?? 0) * 1000)
  );
}

function toTransfer(row: Row): Transfer {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: Number(row.amount),
    phase: row.phase,
    pendingId: row.pending_id,
    timeoutAt: row.timeout_at,
    kind: row.kind,
    reference: row.reference,
    meta: row.meta,
    createdAt: row.created_at,
  };
}
