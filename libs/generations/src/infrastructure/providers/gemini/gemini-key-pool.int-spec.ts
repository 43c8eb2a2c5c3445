import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from '@genbot/core';
import { TEST_REDIS_URL } from '@genbot/testing';
import { ProviderError } from '../../../application/ports/generation-provider';
import { GeminiKeyPool, GeminiKeyPoolOptions } from './gemini-key-pool';

describe('GeminiKeyPool against Redis', () => {
  // Two clients stand for two processes sharing the pool.
  let redisA: Redis;
  let redisB: Redis;
  const prefixes: string[] = [];

  const keys = (n: number) => Array.from({ length: n }, (_, i) => `AIzaPoolTestKey-${i}-${randomUUID()}`);
  const poolsFor = (apiKeys: string[], options: GeminiKeyPoolOptions = {}): [GeminiKeyPool, GeminiKeyPool] => {
    const prefix = `test:gemini-pool:${randomUUID()}`;
    prefixes.push(prefix);
    const config = AppConfig.load({ GEMINI_API_KEYS: apiKeys.join(',') }, { readDotenv: false, source: {} });
    return [new GeminiKeyPool(config, redisA, { ...options, prefix }), new GeminiKeyPool(config, redisB, { ...options, prefix })];
  };
  const settle = async (acquisitions: Array<Promise<{ index: number }>>) => {
    const results = await Promise.allSettled(acquisitions);
    const taken = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.index] : []));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ProviderError] : []));
    return { taken, errors };
  };
  const perKey = (taken: number[], n: number) => Array.from({ length: n }, (_, i) => taken.filter((index) => index === i).length);

  beforeAll(() => {
    redisA = new Redis(TEST_REDIS_URL);
    redisB = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const stale = await redisA.keys(`{${prefix}}:*`);
      if (stale.length > 0) await redisA.del(...stale);
    }
    await Promise.all([redisA.quit(), redisB.quit()]);
  });

  it("grants exactly each key's per-minute quota to 50 concurrent acquisitions from two processes", async () => {
    const apiKeys = keys(3);
    const [a, b] = poolsFor(apiKeys, { rpm: 5, perKey: [undefined, { rpm: 2 }] });

    const { taken, errors } = await settle(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).acquire()));

    expect(perKey(taken, 3)).toEqual([5, 2, 5]);
    expect(errors).toHaveLength(38);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.kind).toBe('rate_limited');
      // The oldest request of the window leaves it within a minute.
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await a.usage()).toEqual([
      { index: 0, lastMinute: 5, today: 5, coolingSeconds: 0 },
      { index: 1, lastMinute: 2, today: 2, coolingSeconds: 0 },
      { index: 2, lastMinute: 5, today: 5, coolingSeconds: 0 },
    ]);
  });

  it('hands out the lease with the key itself, starting from a round-robin position', async () => {
    const apiKeys = keys(3);
    const [a, b] = poolsFor(apiKeys);

    const leases = [await a.acquire(), await b.acquire(), await a.acquire(), await b.acquire()];

    expect(leases.map((lease) => lease.index)).toEqual([0, 1, 2, 0]);
    expect(leases.map((lease) => lease.key)).toEqual([apiKeys[0], apiKeys[1], apiKeys[2], apiKeys[0]]);
  });

  it('stops at the daily quota and says to come back when the quota day ends', async () => {
    const [a] = poolsFor(keys(2), { rpm: 100, rpd: 3 });

    const { taken, errors } = await settle(Array.from({ length: 10 }, () => a.acquire()));

    expect(perKey(taken, 2)).toEqual([3, 3]);
    expect(errors).toHaveLength(4);
    const secondsLeftToday = a.secondsUntilDayReset();
    expect(errors[0].kind).toBe('rate_limited');
    expect(Math.abs(errors[0].retryAfterSeconds! - secondsLeftToday)).toBeLessThanOrEqual(2);
    expect(secondsLeftToday).toBeLessThanOrEqual(25 * 3600);
  });

  it('skips a cooled key in every process, and a shorter cool does not cut a longer one', async () => {
    const [a, b] = poolsFor(keys(2));

    await a.cool(0, 30);
    await b.cool(0, 5);
    const { taken } = await settle(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).acquire()));

    expect(perKey(taken, 2)).toEqual([0, 6]);
    expect((await b.usage())[0]).toMatchObject({ coolingSeconds: 30, coolReason: 'rate_limited', lastMinute: 0 });
  });

  it('when every key cools, says rate_limited with the soonest end of a cool', async () => {
    const [a] = poolsFor(keys(3));
    await a.cool(0, 90);
    await a.cool(1, 20);
    await a.cool(2, 45);

    const error = (await settle([a.acquire()])).errors[0];

    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 20 });
  });

  it('takes the soonest of a cooling key and a key whose minute is full', async () => {
    const [a] = poolsFor(keys(2), { rpm: 1 });
    await a.cool(0, 600);
    await a.acquire();

    const error = (await settle([a.acquire()])).errors[0];

    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('is unavailable when Google refused every key, or when there are no keys', async () => {
    const [a] = poolsFor(keys(2));
    await a.cool(0, 600, 'unauthorized');
    await a.cool(1, 600, 'unauthorized');
    const [empty] = poolsFor([]);

    expect((await settle([a.acquire()])).errors[0].kind).toBe('unavailable');
    expect((await settle([empty.acquire()])).errors[0].kind).toBe('unavailable');
  });

  it('names keys in Redis by position, never by value', async () => {
    const apiKeys = keys(2);
    const [a] = poolsFor(apiKeys);
    await a.acquire();
    await a.cool(1, 10);

    const written = await redisA.keys(`{${prefixes.at(-1)}}:*`);
    expect(written.length).toBeGreaterThan(0);
    for (const name of written) for (const key of apiKeys) expect(name).not.toContain(key);
  });
});
