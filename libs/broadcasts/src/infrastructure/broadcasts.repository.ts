import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Broadcast, BroadcastContent, BroadcastFilter, BroadcastStatus, DeliveryMode } from '../domain/broadcast';

/** A recipient claimed for one send. */
export interface ClaimedRecipient {
  id: string;
  userId: string;
  chatId: string;
  /** Which attempt this claim is (1 for the first). */
  attempt: number;
}

/** How a claimed send ended: final statuses only (a retry goes back through `release`). */
export interface RecipientOutcome {
  id: string;
  status: 'sent' | 'failed' | 'blocked';
  error?: string;
  messageId?: number;
}

export interface NewBroadcast {
  publicId: string;
  content: BroadcastContent;
  filter: BroadcastFilter;
  status: BroadcastStatus;
  scheduledAt: Date | null;
  allowPaidBroadcast: boolean;
  delivery: DeliveryMode;
  createdBy: string | null;
}

/** What a lane with nothing to claim needs to know to stop, wait or finish the broadcast. */
export interface LaneState {
  status: BroadcastStatus | undefined;
  pending: number;
  sending: number;
  /** Milliseconds until the earliest pending retry is due (0 when one is due now). */
  nextDueInMs: number | null;
}

const COLUMNS = `id, public_id, content, filter, status, scheduled_at, allow_paid_broadcast, delivery, media_file_id, total_count, sent_count,
  failed_count, blocked_count, created_by, created_at, started_at, finished_at`;

/**
 * The broadcasts tables' whole SQL surface. Recipients are only ever touched in sets (expanded by
 * keyset pages, claimed and finished in batches), and every finishing statement moves the
 * broadcast's counters in the same statement, so counters and rows never disagree.
 */
@Injectable()
export class BroadcastsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(b: NewBroadcast): Promise<Broadcast> {
    const [row] = await this.dataSource.query(
      `INSERT INTO broadcasts (public_id, content, filter, status, scheduled_at, allow_paid_broadcast, delivery, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [b.publicId, JSON.stringify(b.content), JSON.stringify(b.filter), b.status, b.scheduledAt, b.allowPaidBroadcast, b.delivery, b.createdBy],
    );
    return toBroadcast(row);
  }

  async findByPublicId(publicId: string): Promise<Broadcast | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM broadcasts WHERE public_id = $1`, [publicId]);
    return row ? toBroadcast(row) : undefined;
  }

  async findById(id: string): Promise<Broadcast | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM broadcasts WHERE id = $1`, [id]);
    return row ? toBroadcast(row) : undefined;
  }

  async list(limit: number, offset: number): Promise<{ items: Broadcast[]; total: number }> {
    const rows: BroadcastRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM broadcasts ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [
      limit,
      offset,
    ]);
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM broadcasts`);
    return { items: rows.map(toBroadcast), total: count };
  }

  /** Moves the broadcast from one of `from` to `to`; false when it was in none of them (a lost race or a wrong status). */
  async transition(id: string, from: BroadcastStatus[], to: BroadcastStatus): Promise<boolean> {
    const rows = await this.update(
      `UPDATE broadcasts SET status = $3::varchar,
              started_at = CASE WHEN $3::varchar = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
              finished_at = CASE WHEN $3::varchar IN ('completed', 'cancelled') THEN now() ELSE finished_at END
        WHERE id = $1 AND status = ANY($2) RETURNING id`,
      [id, from, to],
    );
    return rows.length > 0;
  }

  async setMediaFileId(id: string, fileId: string): Promise<void> {
    await this.dataSource.query(`UPDATE broadcasts SET media_file_id = coalesce(media_file_id, $2) WHERE id = $1`, [id, fileId]);
  }

  /**
   * One keyset page of the audience (users after `expand_cursor`, in id order) into recipients,
   * moving the cursor and the total in the same statement: a crash between pages resumes at the
   * next one, and a page done twice inserts nobody twice. Returns whether there may be more.
   */
  async expandPage(id: string, filter: BroadcastFilter, pageSize: number): Promise<boolean> {
    const audience = audienceSql(filter, 3);
    const [row] = await this.dataSource.query(
      `WITH b AS (SELECT expand_cursor FROM broadcasts WHERE id = $1 AND expanded_at IS NULL FOR UPDATE),
            page AS (
              SELECT u.id, u.telegram_id FROM users u, b
               WHERE (b.expand_cursor IS NULL OR u.id > b.expand_cursor) AND ${audience.where}
               ORDER BY u.id LIMIT $2),
            added AS (
              INSERT INTO broadcast_recipients (broadcast_id, user_id, chat_id) SELECT $1, id, telegram_id FROM page
              ON CONFLICT (broadcast_id, user_id) DO NOTHING RETURNING 1),
            moved AS (
              UPDATE broadcasts SET expand_cursor = coalesce((SELECT id FROM page ORDER BY id DESC LIMIT 1), expand_cursor),
                     total_count = total_count + (SELECT count(*) FROM added),
                     expanded_at = CASE WHEN (SELECT count(*) FROM page) < $2 THEN now() END
               WHERE id = $1 AND expanded_at IS NULL RETURNING expanded_at)
       SELECT (SELECT expanded_at FROM moved) IS NULL AND EXISTS (SELECT 1 FROM moved) AS more`,
      [id, pageSize, ...audience.params],
    );
    return row.more === true;
  }

  /**
   * Resolves what a dead run of `lane` left in `sending`: Telegram may or may not have delivered
   * those, so exactly-once counts them failed ("unknown"), at-least-once sends them again.
   * Only this lane's rows: another lane's `sending` rows belong to a live run.
   */
  async recoverLane(id: string, lane: number, delivery: DeliveryMode): Promise<number> {
    if (delivery === 'at_least_once') {
      const rows = await this.update(
        `UPDATE broadcast_recipients SET status = 'pending', claimed_by = NULL, lane = NULL
          WHERE broadcast_id = $1 AND status = 'sending' AND lane = $2 RETURNING id`,
        [id, lane],
      );
      return rows.length;
    }
    const [row] = await this.update<{ lost: number }>(
      `WITH lost AS (
         UPDATE broadcast_recipients SET status = 'failed', error = 'unknown', finished_at = now()
          WHERE broadcast_id = $1 AND status = 'sending' AND lane = $2 RETURNING id)
       UPDATE broadcasts SET failed_count = failed_count + (SELECT count(*) FROM lost) WHERE id = $1 RETURNING (SELECT count(*) FROM lost)::int AS lost`,
      [id, lane],
    );
    return row?.lost ?? 0;
  }

  /**
   * Claims up to `limit` due pending recipients for one run of a lane (`token`), while the
   * broadcast is running: a cancel is seen by the very next claim. SKIP LOCKED lets lanes in
   * other processes claim beside it without waiting.
   */
  async claim(id: string, lane: number, token: string, limit: number): Promise<ClaimedRecipient[]> {
    const rows = await this.update<{ id: string; user_id: string; chat_id: string; attempts: number }>(
      `UPDATE broadcast_recipients r SET status = 'sending', lane = $2, claimed_by = $3, claimed_at = now(), attempts = r.attempts + 1
        WHERE r.id IN (
          SELECT id FROM broadcast_recipients
           WHERE broadcast_id = $1 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
             AND EXISTS (SELECT 1 FROM broadcasts WHERE id = $1 AND status = 'running')
           ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING r.id, r.user_id, r.chat_id, r.attempts`,
      [id, lane, token, limit],
    );
    return rows.map((r) => ({ id: String(r.id), userId: r.user_id, chatId: String(r.chat_id), attempt: r.attempts }));
  }

  /** Records final outcomes of this run's claims and moves the counters with them. */
  async finish(id: string, token: string, outcomes: RecipientOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `WITH o AS (SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[]) AS o(id, status, error, message_id)),
            done AS (
              UPDATE broadcast_recipients r SET status = o.status, error = o.error, message_id = o.message_id, finished_at = now()
                FROM o WHERE r.id = o.id AND r.broadcast_id = $1 AND r.status = 'sending' AND r.claimed_by = $2 RETURNING r.status)
       UPDATE broadcasts SET sent_count = sent_count + (SELECT count(*) FROM done WHERE status = 'sent'),
              failed_count = failed_count + (SELECT count(*) FROM done WHERE status = 'failed'),
              blocked_count = blocked_count + (SELECT count(*) FROM done WHERE status = 'blocked')
        WHERE id = $1`,
      [id, token, outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.error ?? null), outcomes.map((o) => o.messageId ?? null)],
    );
  }

  /**
   * Hands claims back unsent, due again in `delayMs`: Telegram said wait (429), the chat had a
   * message this second, or an error that certainly delivered nothing. `refund` undoes the claim's
   * attempt when the send was never tried.
   */
  async release(id: string, token: string, recipientIds: string[], delayMs: number, reason: string | null, refund: boolean): Promise<void> {
    if (recipientIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE broadcast_recipients SET status = 'pending', claimed_by = NULL, lane = NULL, error = coalesce($5, error),
              next_attempt_at = now() + make_interval(secs => $4::float8 / 1000), attempts = attempts - CASE WHEN $6 THEN 1 ELSE 0 END
        WHERE broadcast_id = $1 AND claimed_by = $2 AND status = 'sending' AND id = ANY($3::bigint[])`,
      [id, token, recipientIds, delayMs, reason, refund],
    );
  }

  async laneState(id: string): Promise<LaneState> {
    const [row] = await this.dataSource.query(
      `SELECT b.status,
              (SELECT count(*)::int FROM broadcast_recipients WHERE broadcast_id = $1 AND status = 'pending') AS pending,
              (SELECT count(*)::int FROM broadcast_recipients WHERE broadcast_id = $1 AND status = 'sending') AS sending,
              (SELECT greatest(0, extract(epoch FROM min(coalesce(next_attempt_at, now())) - now()) * 1000)::int
                 FROM broadcast_recipients WHERE broadcast_id = $1 AND status = 'pending') AS next_due_ms
         FROM broadcasts b WHERE b.id = $1`,
      [id],
    );
    return { status: row?.status, pending: row?.pending ?? 0, sending: row?.sending ?? 0, nextDueInMs: row?.next_due_ms ?? null };
  }

  /** Running → completed once no recipient is pending or in flight. */
  async completeIfDone(id: string): Promise<boolean> {
    const rows = await this.update(
      `UPDATE broadcasts SET status = 'completed', finished_at = now()
        WHERE id = $1 AND status = 'running' AND expanded_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = $1 AND status IN ('pending', 'sending')) RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** An UPDATE … RETURNING's rows (TypeORM answers `[rows, count]` for those on PostgreSQL). */
  private async update<T = { id: string }>(sql: string, params: unknown[]): Promise<T[]> {
    const result: unknown = await this.dataSource.query(sql, params);
    return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
  }

  /** Scheduled broadcasts whose time has come: the tick's backstop for a lost delayed job. */
  async dueScheduled(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM broadcasts WHERE status = 'scheduled' AND scheduled_at <= now() ORDER BY scheduled_at LIMIT 100`,
    );
    return rows.map((r) => r.id);
  }

  /** Running broadcasts, for the tick that makes sure each has lanes. */
  /** How many users a filter reaches now (the admin's live recipient count; seed 002's users/count). */
  async audienceCount(filter: BroadcastFilter): Promise<number> {
    const audience = audienceSql(filter, 1);
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS count FROM users u WHERE ${audience.where}`, audience.params);
    return row.count;
  }

  async running(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM broadcasts WHERE status = 'running' ORDER BY started_at LIMIT 100`);
    return rows.map((r) => r.id);
  }
}

interface BroadcastRow {
  id: string;
  public_id: string;
  content: BroadcastContent;
  filter: BroadcastFilter;
  status: BroadcastStatus;
  scheduled_at: Date | null;
  allow_paid_broadcast: boolean;
  delivery: DeliveryMode;
  media_file_id: string | null;
  total_count: number;
  sent_count: number;
  failed_count: number;
  blocked_count: number;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toBroadcast(row: BroadcastRow): Broadcast {
  return {
    id: row.id,
    publicId: row.public_id,
    content: row.content,
    filter: row.filter,
    status: row.status,
    scheduledAt: row.scheduled_at,
    allowPaidBroadcast: row.allow_paid_broadcast,
    delivery: row.delivery,
    mediaFileId: row.media_file_id,
    total: row.total_count,
    sent: row.sent_count,
    failed: row.failed_count,
    blocked: row.blocked_count,
    createdBy: row.created_by === null ? null : String(row.created_by),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
/**
 * The WHERE clause over `users u` that a filter means, with its parameters numbered from `first`.
 * Who never hears from us: users who blocked the bot (a send would be a 403) and banned users.
 * Kept beside the repository (its only caller) so the SQL surface stays the repositories.
 */
export function audienceSql(filter: BroadcastFilter, first: number): { where: string; params: unknown[] } {
  const base = `u.blocked_at IS NULL AND NOT u.is_banned`;
  const p = (n: number) => `$${first + n}`;
  switch (filter.kind) {
    case 'all':
      return { where: base, params: [] };
    case 'active':
      return { where: `${base} AND u.last_activity_at >= now() - make_interval(days => ${p(0)}::int)`, params: [filter.days] };
    case 'paid':
      return { where: `${base} AND EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded')`, params: [] };
    case 'never_paid':
      return { where: `${base} AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded')`, params: [] };
    case 'language':
      return { where: `${base} AND u.language = ${p(0)}`, params: [filter.language] };
    case 'source':
      return { where: `${base} AND u.advertising_source = ${p(0)}`, params: [filter.source] };
    case 'has_generations':
      return { where: `${base} AND EXISTS (SELECT 1 FROM generations g WHERE g.user_id = u.id AND g.status = 'succeeded')`, params: [] };
    case 'registered_between':
      return { where: `${base} AND u.created_at >= ${p(0)}::timestamptz AND u.created_at < ${p(1)}::timestamptz`, params: [filter.from, filter.to] };
  }
}
