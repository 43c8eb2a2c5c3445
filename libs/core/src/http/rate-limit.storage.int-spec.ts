import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from '@genbot/testing';
import { RateLimitStorage, RateRule } from './rate-limit.storage';

// Real Redis, timestamps chosen by the test: nothing here depends on the wall clock.
describe('RateLimitStorage (Redis scripts, controlled time)', () => {
  let redis: Redis;
  let storage: RateLimitStorage;
  const T0 = 1_700_000_000_000;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    storage = new RateLimitStorage(redis);
  });
  afterAll(() => redis.quit());

  const key = () => `test:rl:${randomUUID()}`;
  const takeAt = (k: string, rule: RateRule, times: number[]) =>
    times.reduce<Promise<boolean[]>>(async (acc, t) => [...(await acc), (await storage.take(k, rule, t)).allowed], Promise.resolve([]));

  describe('sliding window', () => {
    const rule: RateRule = { kind: 'window', limit: 3, windowMs: 1000 };

    it('lets `limit` calls through, then refuses with the time until the oldest call leaves the window', async () => {
      const k = key();
      expect(await storage.take(k, rule, T0)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
      expect((await storage.take(k, rule, T0 + 1)).remaining).toBe(1);
      expect((await storage.take(k, rule, T0 + 2)).remaining).toBe(0);
      expect(await storage.take(k, rule, T0 + 10)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 990 });
      expect(await storage.take(k, rule, T0 + 999)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
      expect((await storage.take(k, rule, T0 + 1000)).allowed).toBe(true);
      expect((await storage.take(k, rule, T0 + 1000)).allowed).toBe(false);
    });

    it('does not let twice the limit through around a window boundary (a fixed window would)', async () => {
      const k = key();
      expect(await takeAt(k, rule, [T0 + 990, T0 + 995, T0 + 999])).toEqual([true, true, true]);
      // A fixed one-second window would reset at T0 + 1000 and allow three more here.
      expect(await takeAt(k, rule, [T0 + 1000, T0 + 1500, T0 + 1989])).toEqual([false, false, false]);
      expect(await takeAt(k, rule, [T0 + 1990])).toEqual([true]);
    });

    it('never allows more than `limit` in any window, and refuses only when the window is full (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 40 }), async (gaps) => {
          const k = key();
          const times = gaps.reduce<number[]>((acc, gap) => [...acc, (acc.at(-1) ?? T0) + gap], []);
          const results = await takeAt(k, rule, times);
          const allowedTimes = times.filter((_, i) => results[i]);
          times.forEach((t, i) => {
            const inWindow = allowedTimes.filter((a) => a > t - rule.windowMs && a <= t).length;
            if (results[i]) expect(inWindow).toBeLessThanOrEqual(rule.limit);
            else expect(inWindow).toBe(rule.limit);
          });
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('token bucket', () => {
    const rule: RateRule = { kind: 'bucket', perSecond: 10, burst: 5 };

    it('passes a burst at once, then one call per 1/rate, with Retry-After until the next token', async () => {
      const k = key();
      expect(await takeAt(k, rule, [T0, T0, T0, T0, T0])).toEqual([true, true, true, true, true]);
      expect(await storage.take(k, rule, T0)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 100 });
      expect(await storage.take(k, rule, T0 + 99)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
      expect((await storage.take(k, rule, T0 + 100)).allowed).toBe(true);
      expect((await storage.take(k, rule, T0 + 100)).allowed).toBe(false);
    });

    it('refills at the rate but never beyond the burst', async () => {
      const k = key();
      await takeAt(k, rule, [T0, T0, T0, T0, T0]);
      // An hour idle earns five tokens, not 36 000.
      expect(await takeAt(k, rule, Array(6).fill(T0 + 3_600_000))).toEqual([true, true, true, true, true, false]);
    });

    it('reports the tokens left', async () => {
      const k = key();
      expect((await storage.take(k, rule, T0)).remaining).toBe(4);
      expect((await storage.take(k, rule, T0)).remaining).toBe(3);
      expect((await storage.take(k, rule, T0 + 200)).remaining).toBe(4);
    });

    it('holds a steady stream to the rate plus the burst', async () => {
      const k = key();
      const times = Array.from({ length: 200 }, (_, i) => T0 + i * 10); // 100 calls a second for 2 s
      const allowed = (await takeAt(k, rule, times)).filter(Boolean).length;
      expect(allowed).toBe(5 + 19); // the burst in the first 40 ms, then one per 100 ms from 100 ms to 1900 ms
    });

    it('keeps callers apart', async () => {
      const [a, b] = [key(), key()];
      await takeAt(a, rule, Array(5).fill(T0));
      expect((await storage.take(a, rule, T0)).allowed).toBe(false);
      expect((await storage.take(b, rule, T0)).allowed).toBe(true);
    });
  });

  it('serves @nestjs/throttler as its ThrottlerStorage (limit per ttl, sliding)', async () => {
    const k = key();
    const first = await storage.increment(k, 60_000, 2, 60_000, 'default');
    expect(first).toMatchObject({ totalHits: 1, isBlocked: false });
    await storage.increment(k, 60_000, 2, 60_000, 'default');
    const third = await storage.increment(k, 60_000, 2, 60_000, 'default');
    expect(third).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(third.timeToBlockExpire).toBeGreaterThan(0);
  });
});
