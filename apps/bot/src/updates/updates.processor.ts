import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Update } from 'telegraf/types';
import { AppConfig, DomainError, InjectRedis, Metrics } from '@genbot/core';
import { backoffMs } from '../telegram/bot-identity';
import { BotLifecycleService } from '../telegram/bot-lifecycle.service';
import { LaneEntry, UpdatesQueue } from './updates.queue';

/** An update whose handling keeps failing (outside the handlers' own catch) is dropped after this many tries. */
const MAX_ATTEMPTS = 8;
/** A stopping processor lets its in-flight updates finish for this long, then hands the lanes back. */
const DRAIN_ON_STOP_MS = 10_000;
const READ_BLOCK_MS = 2_000;
/**
 * Acks come first: while the event loop runs late (webhook requests waiting behind handler work)
 * the number of handlers allowed at once halves, and it grows back by one per ten calm probes. So a
 * burst is acked in milliseconds and its backlog handled right after; one handler always runs,
 * so a steady overload still drains.
 */
const LAG_PROBE_MS = 10;
const LAG_LIMIT_MS = 5;
/** Calm probes in a row before one more handler is allowed: growing back fast let a burst's handlers crowd out its acks again. */
const CALM_PROBES_PER_STEP = 10;

/**
 * Runs the bot's handlers on queued updates, in the bot app (alone or in `npm start`). Up to
 * BOT_UPDATE_CONCURRENCY lanes (chats) at once, each strictly in order. An update leaves its lane
 * only after its handler finished (at-least-once); the update_id's done marker is set in the same
 * step, so a lane reclaimed from a dead processor never repeats an update that was finished.
 */
@Injectable()
export class UpdatesProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BotUpdates');
  private readonly consumer = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly concurrency: number;
  private readonly reclaimMs: number;
  private readonly active = new Map<string, { entry: LaneEntry; done: Promise<void> }>();
  private reader?: Redis;
  private stopping = false;
  private loop?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private wake?: () => void;
  private allowed = 1;
  private handling = 0;
  /** Lanes waiting for a handler slot, first come first served: each is told whether it got one (false: stopping). */
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(
    private readonly queue: UpdatesQueue,
    private readonly lifecycle: BotLifecycleService,
    @InjectRedis() private readonly redis: Redis,
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.concurrency = config.env.BOT_UPDATE_CONCURRENCY;
    this.reclaimMs = config.env.BOT_UPDATE_RECLAIM_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.ensureGroup();
    // XREADGROUP BLOCK holds its connection: the shared client must stay free for the webhook.
    this.reader = this.redis.duplicate({ maxRetriesPerRequest: null });
    const beat = Math.max(100, Math.floor(this.reclaimMs / 3));
    this.timers.push(setInterval(() => void this.heartbeat(), beat).unref(), setInterval(() => void this.reclaimDead(), beat).unref());
    let last = performance.now();
    let calm = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      const lagMs = now - last - LAG_PROBE_MS;
      last = now;
      if (lagMs > LAG_LIMIT_MS) {
        this.allowed = Math.max(1, this.allowed >> 1);
        calm = 0;
      } else if (++calm >= CALM_PROBES_PER_STEP) {
        this.allowed = Math.min(this.concurrency, this.allowed + 1);
        calm = 0;
      }
      this.admit();
    }, LAG_PROBE_MS).unref();
    this.timers.push(probe);
    void this.reclaimDead();
    this.loop = this.readLoop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.wake?.();
    for (const resume of this.waiting.splice(0)) resume(false);
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
    const lanes = [...this.active.values()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(lanes.map((lane) => lane.done)), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_ON_STOP_MS)))]);
    clearTimeout(timer);
    // Lanes with updates left (or still stuck in a handler) go back to the stream for another processor.
    for (const { entry } of this.active.values()) await this.queue.release(entry, this.consumer).catch(() => undefined);
  }

  private async readLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.active.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        for (const entry of await this.queue.take(this.reader!, this.consumer, free, READ_BLOCK_MS)) this.start(entry, false);
      } catch (error) {
        if (this.stopping) return;
        this.logger.warn({ err: error }, 'reading queued updates failed; retrying');
        await delay(1_000);
      }
    }
  }

  private async reclaimDead(): Promise<void> {
    const free = this.concurrency - this.active.size;
    if (this.stopping || free <= 0) return;
    try {
      const claimed = await this.queue.reclaim(this.consumer, this.reclaimMs, free);
      for (const entry of claimed) this.start(entry, true);
      if (claimed.length) this.logger.warn(`took over ${claimed.length} lane(s) from a processor that stopped answering`);
    } catch (error) {
      this.logger.warn({ err: error }, 'reclaiming lanes failed');
    }
  }

  private async heartbeat(): Promise<void> {
    await this.queue.touch(this.consumer, [...this.active.keys()]).catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed'));
  }

  private start(entry: LaneEntry, reclaimed: boolean): void {
    if (this.active.has(entry.id)) return;
    const done = this.runLane(entry, reclaimed)
      .catch((error: unknown) => this.logger.error({ err: error, lane: entry.lane }, 'lane stopped; another processor will reclaim it'))
      .finally(() => {
        this.active.delete(entry.id);
        this.wake?.();
      });
    this.active.set(entry.id, { entry, done });
  }

  /** Handles the lane's updates in order until it is drained, lost to another processor, or we stop. */
  private async runLane(entry: LaneEntry, reclaimed: boolean): Promise<void> {
    let head = await this.queue.head(entry.lane);
    // Only the first head of a reclaimed lane can have been finished by the processor it came from.
    let checkDone = reclaimed;
    for (;;) {
      if (head === null) {
        const after = await this.queue.finish(entry, this.consumer, undefined, 'none');
        if (after.state !== 'next') return;
        head = after.head;
        continue;
      }
      if (this.stopping) return;
      const update = JSON.parse(head) as Update;
      const skip = checkDone && (await this.queue.state(update.update_id)) === 'done';
      checkDone = false;
      if (!skip && !(await this.handle(update))) return;
      const after = await this.queue.finish(entry, this.consumer, update.update_id, skip ? 'skip' : 'handled');
      if (after.state !== 'next') return;
      head = after.head;
    }
  }

  /** True when handled (or given up on); false when stopping, leaving the update queued. */
  private async handle(update: Update): Promise<boolean> {
    if (this.stopping) return false;
    const free = this.handling < this.allowed && this.waiting.length === 0;
    if (free) this.handling++;
    else if (!(await new Promise<boolean>((resolve) => this.waiting.push(resolve)))) return false;
    try {
      return await this.handleWithRetries(update);
    } finally {
      this.handling--;
      this.admit();
    }
  }

  /** Hands free slots to waiting lanes, oldest first; the slot is taken here, on the lane's behalf. */
  private admit(): void {
    while (this.waiting.length > 0 && this.handling < this.allowed && !this.stopping) {
      this.handling++;
      this.waiting.shift()!(true);
    }
  }

  private async handleWithRetries(update: Update): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.lifecycle.handle(update);
        // An update carries one field besides update_id, named after its type (message, callback_query, …).
        this.metrics.botUpdate(Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown');
        return true;
      } catch (error) {
        // Telegram not reachable yet (no identity) is worth waiting for however long it lasts.
        const waiting = error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE';
        if (!waiting && attempt + 1 >= MAX_ATTEMPTS) {
          this.logger.error({ err: error, updateId: update.update_id }, `update dropped after ${MAX_ATTEMPTS} failed attempts`);
          return true;
        }
        this.logger.warn({ err: error, updateId: update.update_id }, 'update handling failed; retrying');
        await delay(Math.min(backoffMs(attempt), 5_000));
        if (this.stopping) return false;
      }
    }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
