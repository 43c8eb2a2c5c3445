import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppName } from '../config/app-config';
import { ALL_QUEUES } from '../queue/queue-names';

/** The BullMQ states a queue depth is reported for; completed and failed are history, not depth. */
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/**
 * What genbot counts, served at /metrics. One registry per app instance (not prom-client's global
 * one), so the all-in-one process holds four apps without registering a metric twice, and each
 * port reports its own app. Libs call the named methods where the event happens; label values
 * come from small closed sets (model codes, statuses, kinds), never from user input.
 */
@Injectable()
export class Metrics implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly generationsCounter: Counter<'model' | 'status'>;
  private readonly transfers: Counter<'kind'>;
  private readonly paymentsCounter: Counter<'provider' | 'status'>;
  private readonly updates: Counter<'type'>;
  private readonly telegramErrors: Counter<'code'>;
  private queues?: Queue[];

  constructor(app: AppName, redis: Redis) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, prefix: 'genbot_' });
    const registers = [this.registry];
    this.http = new Histogram({
      name: 'genbot_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.generationsCounter = new Counter({
      name: 'genbot_generations_total',
      help: 'Generations that reached a final status, by model',
      labelNames: ['model', 'status'],
      registers,
    });
    this.transfers = new Counter({ name: 'genbot_ledger_transfers_total', help: 'Ledger transfers made, by kind', labelNames: ['kind'], registers });
    this.paymentsCounter = new Counter({
      name: 'genbot_payments_total',
      help: 'Payments that changed status, by provider',
      labelNames: ['provider', 'status'],
      registers,
    });
    this.updates = new Counter({ name: 'genbot_bot_updates_total', help: 'Telegram updates handled by the bot, by type', labelNames: ['type'], registers });
    this.telegramErrors = new Counter({
      name: 'genbot_telegram_api_errors_total',
      help: 'Errors answered by the Telegram Bot API, by error code',
      labelNames: ['code'],
      registers,
    });
    const queues = () => (this.queues ??= ALL_QUEUES.map((name) => new Queue(name, { connection: redis, prefix: 'genbot' })));
    new Gauge({
      name: 'genbot_queue_jobs',
      help: 'Jobs in each BullMQ queue by state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        const counts = await Promise.all(queues().map(async (queue) => [queue.name, await queue.getJobCounts(...DEPTH_STATES)] as const));
        for (const [queue, byState] of counts) for (const state of DEPTH_STATES) this.set({ queue, state }, byState[state] ?? 0);
      },
    });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  generationFinished(model: string, status: string): void {
    this.generationsCounter.inc({ model, status });
  }

  ledgerTransfer(kind: string): void {
    this.transfers.inc({ kind });
  }

  payment(provider: string, status: string): void {
    this.paymentsCounter.inc({ provider, status });
  }

  botUpdate(type: string): void {
    this.updates.inc({ type });
  }

  telegramError(code: number | string): void {
    this.telegramErrors.inc({ code: String(code) });
  }

  async onApplicationShutdown(): Promise<void> {
    // The queues share the app's Redis client, which RedisCloser quits; closing them only drops their listeners.
    await Promise.all((this.queues ?? []).map((queue) => queue.close().catch(() => undefined)));
  }
}
