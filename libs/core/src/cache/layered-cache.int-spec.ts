import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from '@genbot/testing';
import { CacheBus } from './cache-bus';
import { LayeredCache } from './layered-cache';

/** Two "processes" (two buses, two Redis connections each) sharing one Redis, as two replicas would. */
describe('LayeredCache across processes (real Redis)', () => {
  const buses: CacheBus[] = [];
  let a: LayeredCache<{ banned: boolean }>;
  let b: LayeredCache<{ banned: boolean }>;
  let busB: CacheBus;
  /** The "database": what a loader reads, and how many times it was asked. */
  let row: { banned: boolean };
  let loads: number;
  const load = async () => {
    loads++;
    return { ...row };
  };

  async function bus(): Promise<CacheBus> {
    const made = new CacheBus(new Redis(TEST_REDIS_URL));
    await made.onModuleInit();
    buses.push(made);
    return made;
  }

  beforeEach(async () => {
    const namespace = `test-${randomUUID()}`;
    const options = { namespace, memoryTtlMs: 60_000, redisTtlSeconds: 300 };
    a = (await bus()).create(options);
    busB = await bus();
    b = busB.create(options);
    row = { banned: false };
    loads = 0;
  });
  afterEach(async () => {
    for (const made of buses.splice(0)) {
      await made.onApplicationShutdown();
      await made.redis.quit();
    }
  });

  it('loads once, then answers from memory in that process and from Redis in another', async () => {
    expect(await a.get('u1', load)).toEqual({ banned: false });
    expect(await a.get('u1', load)).toEqual({ banned: false });
    expect(await b.get('u1', load)).toEqual({ banned: false });
    expect(loads).toBe(1);
  });

  it('shows a change made in one process on the next read in another, memory copy or not', async () => {
    await b.get('u1', load);
    row = { banned: true };
    await a.invalidate('u1');
    await busB.sync();
    expect(await b.get('u1', load)).toEqual({ banned: true });
    expect(await a.get('u1', load)).toEqual({ banned: true });
  });

  it('never keeps a value a slow reader loaded before the change', async () => {
    let release!: () => void;
    let loaded!: () => void;
    const hasLoaded = new Promise<void>((resolve) => (loaded = resolve));
    const slow = b.get('u1', async () => {
      const before = { ...row };
      loaded();
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    });
    // The slow reader has read the old row; the change commits and is announced meanwhile.
    await hasLoaded;
    row = { banned: true };
    await a.invalidate('u1');
    await busB.sync();
    release();
    expect(await slow).toEqual({ banned: false });
    // Its late write to Redis carries the old version, and its memory copy was never kept.
    expect(await b.get('u1', load)).toEqual({ banned: true });
    expect(await a.get('u1', load)).toEqual({ banned: true });
  });

  it('answers from Redis while its subscription is down, and misses no change made meanwhile', async () => {
    await b.get('u1', load);
    const outage = busB.disconnect();
    expect(busB.live).toBe(false);
    row = { banned: true };
    // The message is lost to b: it is not subscribed now.
    await a.invalidate('u1');
    expect(await b.get('u1', load)).toEqual({ banned: true });
    await outage.resume();
    expect(busB.live).toBe(true);
    expect(await b.get('u1', load)).toEqual({ banned: true });
  });

  it('does not cache a missing value', async () => {
    expect(await a.get('nobody', async () => undefined)).toBeUndefined();
    expect(await a.get('nobody', load)).toEqual({ banned: false });
  });
});
