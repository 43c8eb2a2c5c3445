import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { InjectRedis } from '../redis/redis.provider';

/**
 * `window`: at most `limit` calls in any `windowMs` (a sliding log: exact, so "60 a minute" never
 * lets 120 through across a boundary, and a test of it does not depend on where a minute starts).
 * `bucket`: a token bucket of `burst` tokens refilled at `perSecond` (seed 002's "RPS and burst").
 */
export type RateRule = { kind: 'window'; limit: number; windowMs: number } | { kind: 'bucket'; perSecond: number; burst: number };

export interface RateDecision {
  allowed: boolean;
  /** Calls (window) or whole tokens (bucket) left after this one. */
  remaining: number;
  /** When refused: how long until a call would pass. */
  retryAfterMs: number;
}

// A refused call is not recorded, so a client that waits Retry-After gets through.
const SLIDING_WINDOW = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, 0, math.max(1, tonumber(oldest[2]) + window - now)}`;

// GCRA, the token bucket kept as one number: the theoretical arrival time (tat) of the next call
// at the sustained rate. A call passes while tat stays within burst x interval of now.
const TOKEN_BUCKET = `
local key, now, interval, burst = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', key) or now)
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - burst * interval
if allowAt > now then return {0, 0, math.max(1, math.ceil(allowAt - now))} end
redis.call('SET', key, tostring(nextTat), 'PX', math.max(1, math.ceil(nextTat - now)))
return {1, math.floor((now - allowAt) / interval), 0}`;

/**
 * Rate-limit state in Redis, shared by every replica; each decision is one atomic script. The
 * caller passes `now` (ms): the app's clock, and the tests' controlled timestamps.
 * Also a `ThrottlerStorage`, so @nestjs/throttler's guard can run on the same buckets.
 */
type Scripts = Redis & {
  genbotRateWindow(key: string, now: number, windowMs: number, limit: number, member: string): Promise<number[]>;
  genbotRateBucket(key: string, now: number, intervalMs: number, burst: number): Promise<number[]>;
};

@Injectable()
export class RateLimitStorage implements ThrottlerStorage {
  private readonly scripts: Scripts;

  constructor(@InjectRedis() redis: Redis) {
    // Every API call runs one of these: sent once and then called by its SHA (EVALSHA), not as
    // 500 bytes of Lua each time; ioredis falls back to EVAL if Redis has forgotten the script.
    const scripts = redis as Scripts;
    if (!scripts.genbotRateWindow) redis.defineCommand('genbotRateWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
    if (!scripts.genbotRateBucket) redis.defineCommand('genbotRateBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
    this.scripts = scripts;
  }

  async take(key: string, rule: RateRule, now: number): Promise<RateDecision> {
    const [allowed, remaining, retryAfterMs] =
      rule.kind === 'window'
        ? await this.scripts.genbotRateWindow(key, now, rule.windowMs, rule.limit, `${now}:${randomUUID()}`)
        : await this.scripts.genbotRateBucket(key, now, 1000 / rule.perSecond, rule.burst);
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }

  /** @nestjs/throttler's contract: `limit` calls per `ttl` ms, as a sliding window. */
  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string) {
    const decision = await this.take(`rl:throttler:${throttlerName}:${key}`, { kind: 'window', limit, windowMs: ttl }, Date.now());
    const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
    return {
      totalHits: limit - decision.remaining + (decision.allowed ? 0 : 1),
      timeToExpire: Math.ceil(ttl / 1000),
      isBlocked: !decision.allowed,
      timeToBlockExpire: retryAfterSeconds,
    };
  }
}
