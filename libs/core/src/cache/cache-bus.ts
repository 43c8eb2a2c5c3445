import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectRedis } from '../redis/redis.provider';
import { LayeredCache, LayeredCacheOptions } from './layered-cache';

/**
 * Tells every process that a cached value changed, over Redis pub/sub, and makes the layered
 * caches of this one. A process trusts its memory layer only while its subscription is up: a
 * dropped connection may have lost a message, so every memory layer is emptied the moment it
 * drops and again once the subscription is back, and reads go to Redis (versioned, so never stale)
 * in between. A ban therefore reaches another process as fast as Redis delivers the message,
 * never "within the memory TTL".
 */
@Injectable()
export class CacheBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheBus.name);
  private readonly caches = new Map<string, LayeredCache<unknown>>();
  private subscriber?: Redis;
  private subscribed = false;
  private subscribing?: Promise<void>;
  private closing = false;
  /** Pub/sub ignores the database number: the channel carries it, so apps on other databases of one server stay apart. */
  readonly channel: string;

  constructor(@InjectRedis() readonly redis: Redis) {
    this.channel = `genbot:cache:${redis.options.db ?? 0}`;
  }

  /** Whether invalidations reach this process now, so that its memory layers may answer. */
  get live(): boolean {
    return this.subscribed;
  }

  create<T>(options: LayeredCacheOptions<T>): LayeredCache<T> {
    if (this.caches.has(options.namespace)) throw new Error(`A cache named ${options.namespace} exists already`);
    const cache = new LayeredCache<T>(this, options);
    this.caches.set(options.namespace, cache as LayeredCache<unknown>);
    return cache;
  }

  async onModuleInit(): Promise<void> {
    // Its own connection: a subscribed one can send nothing else. Resubscribed by hand, so that
    // `live` turns true only once messages flow again.
    this.subscriber = this.redis.duplicate({ autoResubscribe: false, lazyConnect: true, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.subscriber.on('close', () => this.drop());
    this.subscriber.on('error', (error: Error) => this.logger.warn(`cache invalidation connection: ${error.message}`));
    this.subscriber.on('ready', () => (this.subscribing = this.subscribe()));
    // Redis down at boot: the app starts anyway, reading through Redis-less loads until it is back.
    await this.subscriber.connect().catch((error: Error) => this.logger.warn(`cache invalidation connection: ${error.message}`));
    await this.subscribing;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.drop();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /**
   * Resolves once every invalidation published before this call has been handled here: Redis
   * answers a PING on the subscribed connection after the messages ahead of it. For tests.
   */
  async sync(): Promise<void> {
    if (this.subscriber && this.subscribed) await this.subscriber.ping();
  }

  /**
   * Drops the subscription as a network fault would (tests): memory layers are emptied and
   * bypassed at once; `resume` reconnects and resolves once messages flow again.
   */
  disconnect(): { resume: () => Promise<void> } {
    const subscriber = this.subscriber;
    subscriber?.disconnect(false);
    this.drop();
    return {
      resume: async () => {
        await subscriber?.connect();
        await this.subscribing;
      },
    };
  }

  private async subscribe(): Promise<void> {
    if (this.closing || !this.subscriber) return;
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.logger.warn(`cache invalidation subscribe: ${(error as Error).message}`);
      return;
    }
    // Whatever changed while we were away is unknown: start the memory layers empty.
    for (const cache of this.caches.values()) cache.clearMemory();
    this.subscribed = true;
  }

  private drop(): void {
    this.subscribed = false;
    for (const cache of this.caches.values()) cache.clearMemory();
  }

  private receive(message: string): void {
    const split = message.indexOf('\n');
    if (split < 0) return;
    this.caches.get(message.slice(0, split))?.evict(message.slice(split + 1));
  }
}
