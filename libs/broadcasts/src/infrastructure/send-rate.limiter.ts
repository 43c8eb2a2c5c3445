import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectRedis } from '@genbot/core';

/** Which shared bucket a broadcast draws from: Telegram's free rate, or paid broadcasts' higher one. */
export type RateClass = 'free' | 'paid';

export interface Grant {
  /** Sends allowed now (0 … wanted). */
  granted: number;
  /** When none: how long until one would be (a 429 pause, or the next token). */
  waitMs: number;
  /** True when the wait is a 429 pause rather than the rate. */
  paused: boolean;
  /** Above 0: another run holds the lane's lease for that long, and nothing was taken. */
  leaseHeldFor: number;
}

// A lane's lease renewal, then a token bucket that hands out up to `want` tokens at once: one round
// trip per lane round. Time is Redis's own (TIME), so every worker process, whatever its clock,
// refills one bucket at one rate. A live 429 pause wins over any token: no process sends until
// Telegram's retry_after has passed.
const TAKE = `
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[4] then return {0, 0, 0, redis.call('PTTL', KEYS[3])} end
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5])
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {0, pause, 1, 0} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
if granted > 0 then return {granted, 0, 0, 0} end
return {0, math.max(1, math.ceil((1 - tokens) * 1000 / rate)), 0, 0}`;

// Telegram's one message per second per chat, checked after the claim together with the 429 pause
// (one round trip): while paused nothing is reserved and the pause's length is answered as {-ms}.
const RESERVE = `
local pause = redis.call('PTTL', KEYS[1])
if pause > 0 then return {-pause} end
local free = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'PX', ARGV[1], 'NX') then free[#free + 1] = 1 else free[#free + 1] = 0 end
end
return free`;

// A longer pause is never shortened by a later, shorter retry_after.
const PAUSE = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1`;

// A lane's lease: taken if free or already ours, renewed only by its holder.
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return redis.call('PTTL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0`;

type Scripts = Redis & {
  genbotBroadcastLease(key: string, token: string, ms: number): Promise<number>;
  genbotBroadcastTake(bucket: string, pause: string, lease: string, rate: number, burst: number, want: number, token: string, ms: number): Promise<number[]>;
  genbotBroadcastReserve(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  genbotBroadcastPause(pause: string, ms: number): Promise<number>;
};

const PAUSE_KEY = 'genbot:broadcast:pause';
const PER_CHAT_MS = 1000;

/**
 * The one send rate of every broadcast sender in every process, in Redis: a token bucket per
 * rate class, the shared 429 pause, Telegram's one message per second per chat, and a per-second
 * count of sends for "rate now".
 */
@Injectable()
export class SendRateLimiter {
  private readonly redis: Scripts;

  constructor(@InjectRedis() redis: Redis) {
    const scripts = redis as Scripts;
    if (!scripts.genbotBroadcastTake) redis.defineCommand('genbotBroadcastTake', { numberOfKeys: 3, lua: TAKE });
    if (!scripts.genbotBroadcastReserve) redis.defineCommand('genbotBroadcastReserve', { lua: RESERVE });
    if (!scripts.genbotBroadcastPause) redis.defineCommand('genbotBroadcastPause', { numberOfKeys: 1, lua: PAUSE });
    if (!scripts.genbotBroadcastLease) redis.defineCommand('genbotBroadcastLease', { numberOfKeys: 1, lua: LEASE });
    this.redis = scripts;
  }

  /**
   * Takes or renews lane `lane`'s lease for `token`: 0 when held, else how long another run still
   * holds it. One run per lane at a time is what lets a run treat its lane's `sending` rows as
   * orphans of a dead one.
   */
  lease(broadcastId: string, lane: number, token: string, ms: number): Promise<number> {
    return this.redis.genbotBroadcastLease(`genbot:broadcast:${broadcastId}:lane:${lane}`, token, ms);
  }

  async releaseLease(broadcastId: string, lane: number, token: string): Promise<void> {
    const key = `genbot:broadcast:${broadcastId}:lane:${lane}`;
    if ((await this.redis.get(key)) === token) await this.redis.del(key);
  }

  /**
   * Renews lane `lane`'s lease for `token` and takes up to `want` tokens at `perSecond`. The burst
   * is a fifth of a second's worth: enough that lanes polling in turn keep the rate full, too
   * little to overshoot a second noticeably.
   */
  async take(rateClass: RateClass, perSecond: number, want: number, lane: { broadcastId: string; lane: number; token: string; ms: number }): Promise<Grant> {
    const burst = Math.max(1, Math.ceil(perSecond / 5));
    const [granted, waitMs, paused, leaseHeldFor] = await this.redis.genbotBroadcastTake(
      `genbot:broadcast:bucket:${rateClass}`,
      PAUSE_KEY,
      `genbot:broadcast:${lane.broadcastId}:lane:${lane.lane}`,
      perSecond,
      burst,
      want,
      lane.token,
      lane.ms,
    );
    return { granted, waitMs, paused: paused === 1, leaseHeldFor };
  }

  /** Telegram's 429: every sender waits `seconds`. */
  async pause(seconds: number): Promise<void> {
    await this.redis.genbotBroadcastPause(PAUSE_KEY, Math.ceil(seconds * 1000));
  }

  /**
   * Which of `chatIds` may get a message now (none in the last second; those are reserved for this
   * second), unless a 429 pause is live: then `pausedMs` and nothing reserved.
   */
  async reserveChats(chatIds: string[]): Promise<{ pausedMs: number; free: boolean[] }> {
    if (chatIds.length === 0) return { pausedMs: 0, free: [] };
    const keys = [PAUSE_KEY, ...chatIds.map((chatId) => `genbot:tg:chat:${chatId}`)];
    const reply = await this.redis.genbotBroadcastReserve(keys.length, ...keys, PER_CHAT_MS);
    if (reply.length === 1 && reply[0] < 0) return { pausedMs: -reply[0], free: [] };
    return { pausedMs: 0, free: reply.map((flag) => flag === 1) };
  }

  /** Counts `n` sends of a broadcast in the current second. */
  async countSent(broadcastId: string, n: number): Promise<void> {
    if (n === 0) return;
    const key = `genbot:broadcast:${broadcastId}:sent:${Math.floor(Date.now() / 1000)}`;
    await this.redis.pipeline().incrby(key, n).expire(key, 10).exec();
  }

  /** Sends per second over the last three whole seconds. */
  async rateNow(broadcastId: string): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    const keys = [1, 2, 3].map((ago) => `genbot:broadcast:${broadcastId}:sent:${now - ago}`);
    const counts = await this.redis.mget(...keys);
    return Math.round(counts.reduce((sum, c) => sum + Number(c ?? 0), 0) / 3);
  }
}
