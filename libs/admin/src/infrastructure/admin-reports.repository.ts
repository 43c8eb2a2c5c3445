import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AdminGenerationRow, AdminPaymentRow, DailyGenerations, DailyRevenue, ModelBreakdown } from '../domain/reports';

/** The ledger key of an operator's refund of a generation: one per generation, so a second refund finds it taken. */
export const generationRefundKey = (generationId: string) => `admin-refund:generation:${generationId}`;

const DAY = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

const GENERATION_COLUMNS = `g.id, u.telegram_id, m.slug, g.mode, g.status, g.price_credits, g.is_trial, g.error, g.created_at, g.finished_at,
  coalesce((SELECT r.amount FROM ledger_transfers r WHERE r.idempotency_key = 'admin-refund:generation:' || g.id), 0) AS refunded`;

const PAYMENT_COLUMNS = `p.id, u.telegram_id, p.provider, p.external_id, p.status, p.amount_minor, p.currency, p.credits, p.refund_status,
  p.refunded_minor, p.refunded_credits, p.created_at, p.succeeded_at, p.refunded_at`;

/**
 * Read-only SQL of seed 002's dashboards over users, generations, payments and models. Every
 * query starts from an index on time, status, user or model (migration 1764002200000), so a
 * report reads its period's rows, never a whole table.
 */
@Injectable()
export class AdminReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The total is a count of every user (one pass over users, the one figure that cannot be
   * narrowed by the period); new users are counted in the same pass, active ones from the period's
   * days of user_daily_activity (its primary key starts with the day).
   */
  async userCounts(since: Date): Promise<{ total: number; new: number; active: number }> {
    const [row]: { total: number; new: number; active: number }[] = await this.dataSource.query(
      `SELECT u.total, u.new, (SELECT count(*)::int FROM (SELECT user_id FROM user_daily_activity WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date GROUP BY user_id) a) AS active
       FROM (SELECT count(*)::int AS total, (count(*) FILTER (WHERE created_at >= $1))::int AS new FROM users) u`,
      [since],
    );
    return row;
  }

  async generationsByStatus(since: Date): Promise<{ status: string; count: number; credits: number }[]> {
    const rows: { status: string; count: number; credits: string }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS count, coalesce(sum(price_credits) FILTER (WHERE NOT is_trial), 0) AS credits
       FROM generations WHERE created_at >= $1 GROUP BY status`,
      [since],
    );
    return rows.map((row) => ({ ...row, credits: Number(row.credits) }));
  }

  async revenue(since: Date): Promise<{ currency: string; count: number; amountMinor: number; credits: number }[]> {
    const rows: { currency: string; count: number; amount: string; credits: string }[] = await this.dataSource.query(
      `SELECT currency, count(*)::int AS count, sum(amount_minor) AS amount, sum(credits) AS credits
       FROM payments WHERE status = 'succeeded' AND succeeded_at >= $1 GROUP BY currency ORDER BY currency`,
      [since],
    );
    return rows.map((row) => ({ currency: row.currency, count: row.count, amountMinor: Number(row.amount), credits: Number(row.credits) }));
  }

  async usersDaily(since: Date): Promise<Map<string, number>> {
    const rows: { day: string; count: number }[] = await this.dataSource.query(
      `SELECT ${DAY} AS day, count(*)::int AS count FROM users WHERE created_at >= $1 GROUP BY 1`,
      [since],
    );
    return new Map(rows.map((row) => [row.day, row.count]));
  }

  async generationsDaily(since: Date): Promise<DailyGenerations[]> {
    return this.dataSource.query(
      `SELECT ${DAY} AS day, count(*)::int AS total, (count(*) FILTER (WHERE status = 'succeeded'))::int AS completed,
              (count(*) FILTER (WHERE status = 'failed'))::int AS failed
       FROM generations WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
      [since],
    );
  }

  async revenueDaily(since: Date): Promise<DailyRevenue[]> {
    const rows: { day: string; currency: string; count: number; amount: string; credits: string; refunded: string }[] = await this.dataSource.query(
      `SELECT to_char(succeeded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency, count(*)::int AS count, sum(amount_minor) AS amount,
              sum(credits) AS credits, sum(refunded_minor) AS refunded
       FROM payments WHERE status = 'succeeded' AND succeeded_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [since],
    );
    return rows.map((row) => ({
      day: row.day,
      currency: row.currency,
      count: row.count,
      amountMinor: Number(row.amount),
      credits: Number(row.credits),
      refundedMinor: Number(row.refunded),
    }));
  }

  async modelsBreakdown(since: Date): Promise<ModelBreakdown[]> {
    const rows: { slug: string; name: string; total: number; completed: number; failed: number; credits: string }[] = await this.dataSource.query(
      `SELECT m.slug, m.display_name AS name, g.total, g.completed, g.failed, g.credits
       FROM (SELECT model_id, count(*)::int AS total, (count(*) FILTER (WHERE status = 'succeeded'))::int AS completed,
                    (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
                    coalesce(sum(price_credits) FILTER (WHERE status = 'succeeded'), 0) AS credits
             FROM generations WHERE created_at >= $1 GROUP BY model_id) g
       JOIN models m ON m.id = g.model_id ORDER BY g.total DESC, m.slug`,
      [since],
    );
    return rows.map((row) => ({ ...row, credits: Number(row.credits) }));
  }

  /** Newest first; `status` pages through generations_status_created_idx, else generations_created_idx. */
  async generations(filter: { userId?: string; status?: string }, offset: number, limit: number): Promise<AdminGenerationRow[]> {
    const rows: GenerationRow[] = await this.dataSource.query(
      `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN users u ON u.id = g.user_id JOIN models m ON m.id = g.model_id
       WHERE ($1::uuid IS NULL OR g.user_id = $1) AND ($2::text IS NULL OR g.status = $2)
       ORDER BY g.created_at DESC, g.id DESC OFFSET $3 LIMIT $4`,
      [filter.userId ?? null, filter.status ?? null, offset, limit],
    );
    return rows.map(toGeneration);
  }

  async generation(id: string): Promise<AdminGenerationRow | undefined> {
    const rows: GenerationRow[] = await this.dataSource.query(
      `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN users u ON u.id = g.user_id JOIN models m ON m.id = g.model_id WHERE g.id = $1`,
      [id],
    );
    return rows[0] ? toGeneration(rows[0]) : undefined;
  }

  /** Through generations_status_created_idx: only the unfinished rows are read. */
  async unfinishedByStatus(): Promise<Record<string, number>> {
    const rows: { status: string; count: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS count FROM generations WHERE status IN ('waiting_payment', 'queued', 'running') GROUP BY status`,
    );
    const counts: Record<string, number> = { waiting_payment: 0, queued: 0, running: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /** Newest first, through payments_user_idx or payments_created_idx. */
  async payments(filter: { userId?: string; status?: string }, offset: number, limit: number): Promise<AdminPaymentRow[]> {
    const rows: PaymentRow[] = await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN users u ON u.id = p.user_id
       WHERE ($1::uuid IS NULL OR p.user_id = $1) AND ($2::text IS NULL OR p.status = $2)
       ORDER BY p.created_at DESC, p.id DESC OFFSET $3 LIMIT $4`,
      [filter.userId ?? null, filter.status ?? null, offset, limit],
    );
    return rows.map(toPayment);
  }

  async payment(id: string): Promise<AdminPaymentRow | undefined> {
    const rows: PaymentRow[] = await this.dataSource.query(`SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN users u ON u.id = p.user_id WHERE p.id = $1`, [id]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }
}

interface GenerationRow {
  id: string;
  telegram_id: string;
  slug: string;
  mode: string;
  status: string;
  price_credits: number;
  is_trial: boolean;
  error: string | null;
  refunded: string;
  created_at: Date;
  finished_at: Date | null;
}

interface PaymentRow {
  id: string;
  telegram_id: string;
  provider: string;
  external_id: string | null;
  status: string;
  amount_minor: string;
  currency: string;
  credits: string;
  refund_status: string | null;
  refunded_minor: string;
  refunded_credits: string;
  created_at: Date;
  succeeded_at: Date | null;
  refunded_at: Date | null;
}

function toGeneration(row: GenerationRow): AdminGenerationRow {
  return {
    id: row.id,
    userTelegramId: String(row.telegram_id),
    model: row.slug,
    mode: row.mode,
    status: row.status,
    priceCredits: row.price_credits,
    isTrial: row.is_trial,
    error: row.error,
    refundedCredits: Number(row.refunded),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toPayment(row: PaymentRow): AdminPaymentRow {
  return {
    id: row.id,
    userTelegramId: String(row.telegram_id),
    provider: row.provider,
    externalId: row.external_id,
    status: row.status,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    credits: Number(row.credits),
    refundStatus: row.refund_status,
    refundedMinor: Number(row.refunded_minor),
    refundedCredits: Number(row.refunded_credits),
    createdAt: row.created_at,
    succeededAt: row.succeeded_at,
    refundedAt: row.refunded_at,
  };
}
