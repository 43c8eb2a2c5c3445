import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CacheBus, LayeredCache, afterCommit, reviveDates } from '@genbot/core';
import type { Generation, GenerationResult, GenerationStatus } from '../domain/generation';

type Row = Record<string, unknown>;

export type NewGeneration = Omit<
  Generation,
  'progress' | 'error' | 'externalId' | 'deliveredAt' | 'startedAt' | 'deadlineAt' | 'finishedAt' | 'createdAt' | 'updatedAt'
> & {
  idempotencyKey: string | null;
};

export type GenerationList = 'all' | 'active' | 'waiting_payment';

const LIST_FILTERS: Record<GenerationList, string> = {
  all: '',
  active: `AND status IN ('waiting_payment', 'queued', 'running')`,
  waiting_payment: `AND status = 'waiting_payment'`,
};

/** The Mini App polls its active generations; a minute in memory is safe, as every change invalidates. */
const ACTIVE_TTL_SECONDS = 60;
const ACTIVE_LIMIT = 20;

/**
 * The SQL of `generations`, `generation_results` and `trial_uses`, and the cache of each user's
 * active generations: every statement that changes a generation goes through here and drops its
 * user's cached list once committed, so no writer can forget to.
 */
@Injectable()
export class GenerationsRepository {
  private readonly activeCache: LayeredCache<Generation[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    caches: CacheBus,
  ) {
    this.activeCache = caches.create<Generation[]>({
      namespace: 'active-generations',
      memoryTtlMs: ACTIVE_TTL_SECONDS * 1000,
      redisTtlSeconds: ACTIVE_TTL_SECONDS,
      decode: (raw) => (raw as unknown[]).map(reviveGeneration),
    });
  }

  /** Runs `work` in one transaction; the callers pass `em` to the methods that take one (and to the ledger). */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(em: EntityManager, g: NewGeneration): Promise<Generation> {
    const [row]: Row[] = await em.query(
      `INSERT INTO generations (id, user_id, model_id, mode, status, prompt, options, inputs, price_credits, is_trial, hold_id, provider, provider_model,
                                source, service_type, description, chat_id, message_id, prompt_message_id, language, idempotency_key, meta)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING *`,
      [
        g.id,
        g.userId,
        g.modelId,
        g.mode,
        g.status,
        g.prompt,
        g.options,
        JSON.stringify(g.inputs),
        g.priceCredits,
        g.isTrial,
        g.holdId,
        g.provider,
        g.providerModel,
        g.source,
        g.serviceType,
        g.description,
        g.chatId,
        g.messageId,
        g.promptMessageId,
        g.language,
        g.idempotencyKey,
        g.meta,
      ],
    );
    await this.changed(em, g.userId);
    return toGeneration(row);
  }

  async find(id: string): Promise<Generation | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT * FROM generations WHERE id = $1`, [id]);
    return row ? toGeneration(row) : undefined;
  }

  async findByKey(key: string, em: EntityManager = this.dataSource.manager): Promise<Generation | undefined> {
    const [row]: Row[] = await em.query(`SELECT * FROM generations WHERE idempotency_key = $1`, [key]);
    return row ? toGeneration(row) : undefined;
  }

  /**
   * Makes the user's concurrent submits take turns until `em` commits, so that counting their
   * active generations and inserting one is atomic (the per-user cap holds under any concurrency).
   */
  async lockUserSubmits(em: EntityManager, userId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('generations:active:' || $1, 0))`, [userId]);
  }

  /** The user's generations that take a worker slot: queued or running (a parked one does not). */
  async countActive(userId: string, em: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ active }]: { active: number }[] = await em.query(
      `SELECT count(*)::int AS active FROM generations WHERE user_id = $1 AND status IN ('queued', 'running')`,
      [userId],
    );
    return active;
  }

  async trialUsed(userId: string): Promise<boolean> {
    const [used]: unknown[] = await this.dataSource.query(`SELECT 1 FROM trial_uses WHERE user_id = $1`, [userId]);
    return used !== undefined;
  }

  /** The user's succeeded generations: how many, the first and the last (seed 003's profile). */
  async succeededSummary(userId: string): Promise<{ count: number; firstAt: Date | null; lastAt: Date | null }> {
    const [row]: { count: number; first_at: Date | null; last_at: Date | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count, min(created_at) AS first_at, max(created_at) AS last_at FROM generations WHERE user_id = $1 AND status = 'succeeded'`,
      [userId],
    );
    return { count: row.count, firstAt: row.first_at, lastAt: row.last_at };
  }

  /** True when this takes the user's trial. The primary key on user_id makes it single-use whatever the concurrency. */
  async takeTrial(em: EntityManager, trial: { userId: string; modelId: string; generationId: string }): Promise<boolean> {
    const taken: unknown[] = await em.query(
      `INSERT INTO trial_uses (user_id, model_id, generation_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [trial.userId, trial.modelId, trial.generationId],
    );
    return taken.length > 0;
  }

  /** The user's unfinished generations (at most 20), newest first, through the cache. */
  async activeFor(userId: string): Promise<Generation[]> {
    return (await this.activeCache.get(userId, () => this.listForUser(userId, ACTIVE_LIMIT, 'active'))) ?? [];
  }

  /**
   * Newest first: all of the user's generations, the unfinished ones, or those parked for payment.
   * The statuses are written into the SQL, not passed: only then can the planner use
   * `generations_user_active_idx` (partial on those statuses) instead of reading every generation.
   */
  async listForUser(userId: string, limit: number, which: GenerationList = 'all'): Promise<Generation[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM generations WHERE user_id = $1 ${LIST_FILTERS[which]} ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toGeneration);
  }

  /**
   * Moves a generation forward only from the statuses given, so that two workers (or a cancel and
   * a worker) can never both win: the loser's UPDATE matches no row.
   */
  async transition(
    id: string,
    from: GenerationStatus[],
    set: Partial<Record<string, unknown>>,
    em: EntityManager = this.dataSource.manager,
  ): Promise<Generation | undefined> {
    const keys = Object.keys(set);
    const assignments = keys.map((key, i) => `${key} = $${i + 3}`).join(', ');
    const [rows]: [Row[], number] = await em.query(
      `UPDATE generations SET ${assignments}${assignments ? ', ' : ''}updated_at = now() WHERE id = $1 AND status = ANY($2) RETURNING *`,
      [id, from, ...keys.map((key) => set[key])],
    );
    return this.changedRow(em, rows[0]);
  }

  /** Fails up to `limit` generations parked (waiting_payment) since before `before`; their ids. */
  async failParkedBefore(before: Date, reason: string, limit: number): Promise<string[]> {
    const [rows]: [{ id: string; user_id: string }[], number] = await this.dataSource.query(
      `UPDATE generations SET status = 'failed', error = $3, finished_at = now(), updated_at = now()
        WHERE id IN (SELECT id FROM generations WHERE status = 'waiting_payment' AND created_at < $1 ORDER BY created_at LIMIT $2)
          AND status = 'waiting_payment'
        RETURNING id, user_id`,
      [before, limit, reason],
    );
    await Promise.all([...new Set(rows.map((row) => row.user_id))].map((userId) => this.changed(undefined, userId)));
    return rows.map((row) => row.id);
  }

  /** Records the provider's job id unless another worker already did (its job is the one we poll). */
  async setExternalId(id: string, externalId: string): Promise<Generation | undefined> {
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE generations SET external_id = $2, updated_at = now() WHERE id = $1 AND status = 'running' AND external_id IS NULL RETURNING *`,
      [id, externalId],
    );
    return this.changedRow(undefined, rows[0]);
  }

  /**
   * Drops a provider job id the provider no longer knows, counting the resubmissions in `meta`.
   * Only the caller whose id is still the stored one wins, so two pollers never both resubmit.
   */
  async forgetExternalId(id: string, externalId: string): Promise<Generation | undefined> {
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE generations SET external_id = NULL, updated_at = now(),
              meta = meta || jsonb_build_object('resubmits', COALESCE((meta->>'resubmits')::int, 0) + 1)
        WHERE id = $1 AND status = 'running' AND external_id = $2 RETURNING *`,
      [id, externalId],
    );
    return this.changedRow(undefined, rows[0]);
  }

  /**
   * True for the one caller that may send a finished generation's results to its chat now. A claim
   * older than `staleSeconds` belongs to a worker that died before sending, and is taken over.
   */
  async claimDelivery(id: string, staleSeconds: number): Promise<boolean> {
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE generations SET delivery_claimed_at = now() WHERE id = $1 AND status = 'succeeded' AND delivered_at IS NULL
          AND (delivery_claimed_at IS NULL OR delivery_claimed_at < now() - make_interval(secs => $2::double precision)) RETURNING id`,
      [id, staleSeconds],
    );
    return rows.length > 0;
  }

  /** Gives a delivery claim back (the send failed, or its claimer is known dead and the claim is older than `olderThanSeconds`). */
  async releaseDeliveryClaim(id: string, olderThanSeconds = 0): Promise<void> {
    await this.dataSource.query(
      `UPDATE generations SET delivery_claimed_at = NULL WHERE id = $1 AND delivered_at IS NULL AND delivery_claimed_at <= now() - make_interval(secs => $2::double precision)`,
      [id, olderThanSeconds],
    );
  }

  /** Generations recorded as queued that have waited longer than `seconds` (their job may never have been added). */
  async queuedSince(seconds: number, limit: number): Promise<string[]> {
    return this.ids(`SELECT id FROM generations WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1::double precision) LIMIT $2`, [
      seconds,
      limit,
    ]);
  }

  /** Running generations started more than `seconds` ago, the sweep's candidates for a lost job. */
  async runningSince(seconds: number, limit: number): Promise<string[]> {
    return this.ids(
      `SELECT id FROM generations WHERE status = 'running' AND started_at < now() - make_interval(secs => $1::double precision) ORDER BY started_at LIMIT $2`,
      [seconds, limit],
    );
  }

  /** Running generations whose deadline passed more than `graceSeconds` ago. */
  async overdue(graceSeconds: number, limit: number): Promise<string[]> {
    return this.ids(`SELECT id FROM generations WHERE status = 'running' AND deadline_at < now() - make_interval(secs => $1::double precision) LIMIT $2`, [
      graceSeconds,
      limit,
    ]);
  }

  /** Finished more than `seconds` ago with a chat to deliver to, and never delivered. */
  async undeliveredSince(seconds: number, limit: number): Promise<string[]> {
    return this.ids(
      `SELECT id FROM generations WHERE status = 'succeeded' AND delivered_at IS NULL AND chat_id IS NOT NULL
          AND finished_at < now() - make_interval(secs => $1::double precision) ORDER BY finished_at LIMIT $2`,
      [seconds, limit],
    );
  }

  async results(generationId: string): Promise<GenerationResult[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM generation_results WHERE generation_id = $1 ORDER BY idx`, [generationId]);
    return rows.map(toResult);
  }

  async addResult(r: Omit<GenerationResult, 'id' | 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO generation_results (generation_id, idx, storage_key, content_type, size_bytes, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (generation_id, idx) DO NOTHING`,
      [r.generationId, r.idx, r.storageKey, r.contentType, r.sizeBytes, r.expiresAt],
    );
  }

  /** Results stored more than `days` ago, or whose own expiry has passed. */
  async resultsOlderThan(days: number, limit: number): Promise<{ id: string; storageKey: string }[]> {
    const rows: { id: string; storage_key: string }[] = await this.dataSource.query(
      `SELECT id, storage_key FROM generation_results
        WHERE created_at < now() - make_interval(days => $1::int) OR expires_at < now() ORDER BY created_at LIMIT $2`,
      [Math.ceil(days), limit],
    );
    return rows.map((row) => ({ id: row.id, storageKey: row.storage_key }));
  }

  async deleteResult(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM generation_results WHERE id = $1`, [id]);
  }

  /** A generation of `userId` changed in `em`: its user's cached active list goes once that commits. */
  private changed(em: EntityManager | undefined, userId: string): Promise<void> {
    return afterCommit(em, () => this.activeCache.invalidate(userId));
  }

  private async changedRow(em: EntityManager | undefined, row: Row | undefined): Promise<Generation | undefined> {
    if (!row) return undefined;
    const generation = toGeneration(row);
    await this.changed(em, generation.userId);
    return generation;
  }

  private async ids(sql: string, params: unknown[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(sql, params);
    return rows.map((row) => row.id);
  }
}

export function toGeneration(row: Row): Generation {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    modelId: row.model_id as string,
    mode: row.mode as Generation['mode'],
    status: row.status as GenerationStatus,
    prompt: row.prompt as string | null,
    options: row.options as Generation['options'],
    inputs: row.inputs as Generation['inputs'],
    priceCredits: row.price_credits as number,
    isTrial: row.is_trial as boolean,
    holdId: row.hold_id as string | null,
    provider: row.provider as string | null,
    providerModel: row.provider_model as string | null,
    externalId: row.external_id as string | null,
    progress: row.progress as number,
    error: row.error as string | null,
    source: row.source as Generation['source'],
    serviceType: row.service_type as string | null,
    description: row.description as string | null,
    chatId: row.chat_id === null ? null : String(row.chat_id),
    messageId: row.message_id === null ? null : Number(row.message_id),
    promptMessageId: row.prompt_message_id === null ? null : Number(row.prompt_message_id),
    language: row.language as Generation['language'],
    deliveredAt: row.delivered_at as Date | null,
    meta: row.meta as Record<string, unknown>,
    startedAt: row.started_at as Date | null,
    deadlineAt: row.deadline_at as Date | null,
    finishedAt: row.finished_at as Date | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

/** A generation back from the cache's JSON, where its dates were strings. */
const reviveGeneration = reviveDates<Generation>(['deliveredAt', 'startedAt', 'deadlineAt', 'finishedAt', 'createdAt', 'updatedAt']);

function toResult(row: Row): GenerationResult {
  return {
    id: row.id as string,
    generationId: row.generation_id as string,
    idx: row.idx as number,
    storageKey: row.storage_key as string,
    contentType: row.content_type as string,
    sizeBytes: Number(row.size_bytes),
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date | null,
  };
}
