import type { CacheBus } from './cache-bus';

export interface LayeredCacheOptions<T> {
  /** Names the cache in Redis keys and invalidation messages: `users`, `catalog`. */
  namespace: string;
  /** How long this process answers from memory without asking Redis. */
  memoryTtlMs: number;
  /** How long Redis keeps a loaded value for every process. */
  redisTtlSeconds: number;
  /** Memory entries kept at most; the oldest go first. */
  maxEntries?: number;
  /** To and from what JSON can carry (Dates, for one). Identity by default. */
  encode?: (value: T) => unknown;
  decode?: (raw: unknown) => T;
}

/** A `decode` for values whose `fields` hold Dates: JSON carried them as ISO strings. */
export function reviveDates<T>(fields: readonly string[]): (raw: unknown) => T {
  return (raw) => {
    const value = raw as Record<string, unknown>;
    for (const field of fields) if (typeof value[field] === 'string') value[field] = new Date(value[field]);
    return value as T;
  };
}

interface MemoryEntry<T> {
  value: T;
  expiresAt: number;
}

/**
 * A read-through cache in two layers, as seed 002 has them: process memory, then Redis, then the
 * loader (PostgreSQL). Made by `CacheBus.create`. Writers call `invalidate(key)` after their
 * change is committed; every process then drops its memory copy and no process can store or
 * serve the old value again:
 * - Redis entries carry the key's version, and `invalidate` bumps it: an entry loaded before the
 *   change, even if written after it by a slow reader elsewhere, no longer matches and is ignored.
 * - A load that saw an invalidation (or a lost subscription) while it ran is not kept in memory.
 * Missing values (the loader's `undefined`) are not cached.
 */
export class LayeredCache<T> {
  private readonly memory = new Map<string, MemoryEntry<T>>();
  /** Bumped by every eviction and clear; a load that saw it move keeps its value out of memory. */
  private epoch = 0;
  private readonly maxEntries: number;
  private readonly versionTtlMs: number;

  constructor(
    private readonly bus: CacheBus,
    private readonly options: LayeredCacheOptions<T>,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    // A version must outlive any entry written under an older one, or a reset version could make
    // such an entry current again; a day is far past any read that started before the bump.
    this.versionTtlMs = Math.max(86_400_000, options.redisTtlSeconds * 10_000);
  }

  async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.bus.live) {
      const hit = this.memory.get(key);
      if (hit && hit.expiresAt > Date.now()) return hit.value;
    }
    const epoch = this.epoch;
    const versionKey = this.versionKey(key);
    const entryKey = this.entryKey(key);
    const [version, raw] = await this.bus.redis.mget(versionKey, entryKey).catch(() => [undefined, undefined]);
    let value: T | undefined;
    if (raw) {
      const entry = JSON.parse(raw) as { v: string; d: unknown };
      if (entry.v === (version ?? '0')) value = this.decode(entry.d);
    }
    if (value === undefined) {
      value = await load();
      // Stored under the version read before loading: had the value changed since, it is stale on arrival.
      if (value !== undefined && version !== undefined)
        await this.bus.redis
          .set(entryKey, JSON.stringify({ v: version ?? '0', d: this.encode(value) }), 'EX', this.options.redisTtlSeconds)
          .catch(() => undefined);
    }
    if (value !== undefined && this.bus.live && this.epoch === epoch) this.remember(key, value);
    return value;
  }

  /** After a committed change: every process forgets `key`, and Redis's copy stops counting. */
  async invalidate(key: string): Promise<void> {
    this.evict(key);
    await this.bus.redis
      .multi()
      .incr(this.versionKey(key))
      .pexpire(this.versionKey(key), this.versionTtlMs)
      .del(this.entryKey(key))
      .publish(this.bus.channel, `${this.options.namespace}\n${key}`)
      .exec();
  }

  /** This process's copy only (an invalidation message arrived). */
  evict(key: string): void {
    this.epoch++;
    this.memory.delete(key);
  }

  clearMemory(): void {
    this.epoch++;
    this.memory.clear();
  }

  private remember(key: string, value: T): void {
    this.memory.delete(key);
    if (this.memory.size >= this.maxEntries) this.memory.delete(this.memory.keys().next().value as string);
    this.memory.set(key, { value, expiresAt: Date.now() + this.options.memoryTtlMs });
  }

  private encode(value: T): unknown {
    return this.options.encode ? this.options.encode(value) : value;
  }

  private decode(raw: unknown): T {
    return this.options.decode ? this.options.decode(raw) : (raw as T);
  }

  private versionKey(key: string): string {
    return `cache:${this.options.namespace}:v:${key}`;
  }

  private entryKey(key: string): string {
    return `cache:${this.options.namespace}:e:${key}`;
  }
}
