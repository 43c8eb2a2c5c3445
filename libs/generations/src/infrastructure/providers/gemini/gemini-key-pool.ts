import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, InjectRedis } from '@genbot/core';
import { ProviderError } from '../../../application/ports/generation-provider';

/** Quotas per key; Google's free tier for image models was about 10 requests a minute and 1500 a day. */
export interface GeminiKeyLimits {
  rpm?: number;
  rpd?: number;
}

export interface GeminiKeyPoolOptions extends GeminiKeyLimits {
  /** Limits of single keys by their position in GEMINI_API_KEYS, over the defaults above. */
  perKey?: Array<GeminiKeyLimits | undefined>;
  /** Prefix of every Redis key the pool writes (tests use a unique one). */
  prefix?: string;
  /** Where the daily quota resets: Google resets at midnight Pacific time. */
  timeZone?: string;
}

/** DI token for the options; without it the defaults apply. */
export const GEMINI_KEY_POOL_OPTIONS = Symbol('GEMINI_KEY_POOL_OPTIONS');

export interface GeminiKeyLease {
  /** Position in GEMINI_API_KEYS: what logs and Redis name a key by, never its value. */
  index: number;
  key: string;
}

export type GeminiCoolReason = 'rate_limited' | 'unauthorized';

export interface GeminiKeyUsage {
  index: number;
  lastMinute: number;
  today: number;
  coolingSeconds: number;
  coolReason?: GeminiCoolReason;
}

const DEFAULT_RPM = 10;
const DEFAULT_RPD = 1500;
const DEFAULT_COOL_SECONDS = 60;

/**
 * Takes a key with quota left, atomically, in one script: starts at a round-robin position so
 * load spreads, skips keys that are cooling, counts the request in a sliding one-minute window
 * (a sorted set of Redis TIME stamps, since Google's RPM is rolling) and in the day's counter.
 * Returns {index} on success, or {-1, then per key: cooling ms, ms until a minute slot frees,
 * day exhausted 0/1, cool reason}.
 */
const ACQUIRE = `
local n = tonumber(ARGV[1])
local dayTtl = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ticket = redis.call('INCR', KEYS[1])
local start = (ticket - 1) % n
local blocked = {-1}
for j = 0, n - 1 do
  local i = (start + j) % n
  local minuteKey, dayKey, coolKey = KEYS[2 + 3 * i], KEYS[3 + 3 * i], KEYS[4 + 3 * i]
  local rpm, rpd = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', minuteKey, '-inf', now - 60000)
  local cooling = redis.call('PTTL', coolKey)
  local lastMinute = redis.call('ZCARD', minuteKey)
  local today = tonumber(redis.call('GET', dayKey) or '0')
  if cooling == -2 and lastMinute < rpm and today < rpd then
    redis.call('ZADD', minuteKey, now, now .. ':' .. ticket)
    redis.call('PEXPIRE', minuteKey, 61000)
    redis.call('INCR', dayKey)
    redis.call('EXPIRE', dayKey, dayTtl)
    return {i}
  end
  local minuteWait = 0
  if lastMinute >= rpm and rpm > 0 then
    local freed = redis.call('ZRANGE', minuteKey, lastMinute - rpm, lastMinute - rpm, 'WITHSCORES')
    minuteWait = math.max(1, tonumber(freed[2]) + 60000 - now)
  elseif rpm <= 0 then
    minuteWait = 60000
  end
  local reason = cooling ~= -2 and (redis.call('GET', coolKey) or '') or ''
  table.insert(blocked, math.max(cooling, 0))
  table.insert(blocked, minuteWait)
  table.insert(blocked, today >= rpd and 1 or 0)
  table.insert(blocked, reason)
end
return blocked
`;

/** Cools a key unless it is already cooling for longer. */
const COOL = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
end
return 1
`;

/**
 * The Gemini keys of GEMINI_API_KEYS, each with its own per-minute and per-day quota, shared by
 * every process through Redis. `acquire` counts a request against a key with quota left; a key
 * Google answered 429 is `cool`ed and skipped until then. Seed 003 ran on several free-tier keys;
 * note that Google counts quota per Cloud project, so keys of one project share one quota.
 */
@Injectable()
export class GeminiKeyPool {
  private readonly keys: string[];
  private readonly limits: Array<Required<GeminiKeyLimits>>;
  private readonly prefix: string;
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
    @Optional() @Inject(GEMINI_KEY_POOL_OPTIONS) options: GeminiKeyPoolOptions = {},
  ) {
    this.keys = config.env.GEMINI_API_KEYS;
    this.limits = this.keys.map((_, i) => ({
      rpm: options.perKey?.[i]?.rpm ?? options.rpm ?? DEFAULT_RPM,
      rpd: options.perKey?.[i]?.rpd ?? options.rpd ?? DEFAULT_RPD,
    }));
    // The braces make every key of the pool one Redis Cluster hash slot, as a script needs.
    this.prefix = `{${options.prefix ?? 'genbot:gemini-keys'}}`;
    this.dayFormat = new Intl.DateTimeFormat('en-US', {
      timeZone: options.timeZone ?? 'America/Los_Angeles',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * Counts one request against a key with quota left and returns it. Throws `rate_limited` with
   * the seconds until the soonest key frees up when none has, and `unavailable` when there are no
   * keys or Google refused every one of them.
   */
  async acquire(): Promise<GeminiKeyLease> {
    if (this.keys.length === 0) throw new ProviderError('unavailable', 'gemini: GEMINI_API_KEYS is empty');
    const day = this.day();
    const keys = [`${this.prefix}:next`, ...this.keys.flatMap((_, i) => this.keysOf(i, day.id))];
    const args = [this.keys.length, Math.ceil(day.msLeft / 1000) + 3600, ...this.limits.flatMap((limit) => [limit.rpm, limit.rpd])];
    const result = (await this.script(ACQUIRE, keys, args)) as Array<number | string>;
    const index = Number(result[0]);
    if (index >= 0) return { index, key: this.keys[index] };

    let soonestMs = Infinity;
    let refused = 0;
    for (let at = 1; at < result.length; at += 4) {
      const [coolMs, minuteMs, dayExhausted, reason] = [Number(result[at]), Number(result[at + 1]), Number(result[at + 2]), String(result[at + 3])];
      if (reason === 'unauthorized') refused += 1;
      soonestMs = Math.min(soonestMs, Math.max(coolMs, minuteMs, dayExhausted ? day.msLeft : 0));
    }
    if (refused === this.keys.length) throw new ProviderError('unavailable', 'gemini: Google refused every key of GEMINI_API_KEYS');
    const retryAfterSeconds = Math.max(1, Math.ceil(soonestMs / 1000));
    throw new ProviderError(
      'rate_limited',
      `gemini: all ${this.keys.length} keys are out of quota or cooling; the next frees up in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }

  /** Skips the key for `seconds` (a 429's delay, or the rest of the quota day), in every process. */
  async cool(index: number, seconds = DEFAULT_COOL_SECONDS, reason: GeminiCoolReason = 'rate_limited'): Promise<void> {
    const ms = Math.max(1000, Math.ceil(seconds * 1000));
    await this.script(COOL, [this.coolKey(index)], [ms, reason]);
  }

  /** Seconds until the daily quotas reset, for a 429 that says the day's quota is spent. */
  secondsUntilDayReset(): number {
    return Math.max(1, Math.ceil(this.day().msLeft / 1000));
  }

  /** Counts per key, for the admin API and tests. */
  async usage(): Promise<GeminiKeyUsage[]> {
    const day = this.day();
    const since = Date.now() - 60_000;
    const pipeline = this.redis.pipeline();
    this.keys.forEach((_, i) => {
      const [minuteKey, dayKey, coolKey] = this.keysOf(i, day.id);
      pipeline.zcount(minuteKey, since, '+inf').get(dayKey).pttl(coolKey).get(coolKey);
    });
    const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    return this.keys.map((_, i) => {
      const [lastMinute, today, coolMs, reason] = replies.slice(i * 4, i * 4 + 4);
      const coolingSeconds = Number(coolMs) > 0 ? Math.ceil(Number(coolMs) / 1000) : 0;
      return {
        index: i,
        lastMinute: Number(lastMinute),
        today: Number(today ?? 0),
        coolingSeconds,
        ...(coolingSeconds > 0 ? { coolReason: reason as GeminiCoolReason } : {}),
      };
    });
  }

  private keysOf(index: number, dayId: string): [string, string, string] {
    return [`${this.prefix}:${index}:minute`, `${this.prefix}:${index}:day:${dayId}`, this.coolKey(index)];
  }

  private coolKey(index: number): string {
    return `${this.prefix}:${index}:cool`;
  }

  /** The quota day in the reset time zone and what is left of it (a DST day is off by an hour at most). */
  private day(): { id: string; msLeft: number } {
    const now = Date.now();
    const parts = Object.fromEntries(this.dayFormat.formatToParts(new Date(now)).map((part) => [part.type, part.value]));
    const elapsed = ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (now % 1000);
    return { id: `${parts.year}-${parts.month}-${parts.day}`, msLeft: Math.max(1000, 86_400_000 - elapsed) };
  }

  /** EVALSHA, loading the script on the first NOSCRIPT (after a Redis restart, say). */
  private async script(source: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    const sha = SHAS.get(source) ?? createHash('sha1').update(source).digest('hex');
    SHAS.set(source, sha);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(source, keys.length, ...keys, ...args);
    }
  }
}

const SHAS = new Map<string, string>();
