import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '@genbot/core';
import { TEST_REDIS_URL } from '@genbot/testing';
import { flowButton, parseFlowButton } from './callback-data';
import { FlowStateStore } from './flow-state.store';

/** Two bot replicas (two stores, two connections) sharing one Redis. */
describe('FlowStateStore (real Redis)', () => {
  const clients: Redis[] = [];
  const store = (token = '777:abc') => {
    const redis = new Redis(TEST_REDIS_URL);
    clients.push(redis);
    return new FlowStateStore(redis, { env: { BOT_TOKEN: token } } as AppConfig);
  };
  afterAll(async () => {
    for (const redis of clients) await redis.quit();
  });

  it('keeps a flow with its data as written, across replicas', async () => {
    const [a, b] = [store(), store()];
    const user = randomUUID();
    expect(await a.get(user)).toBeUndefined();
    const started = await a.start(user, 'create', 'model', { page: 0, photos: [] as string[], model: null });
    expect(await b.get(user)).toEqual({ flow: 'create', step: 'model', version: started.version, data: { page: 0, photos: [], model: null } });
  });

  it('lets one of two concurrent advances from the same state win; the other sees its button as stale', async () => {
    const [a, b] = [store(), store()];
    const user = randomUUID();
    const from = await a.start(user, 'create', 'confirm', { n: 1 });
    const results = await Promise.all([a.advance(user, from, 'submitted', { n: 2 }), b.advance(user, from, 'submitted', { n: 3 })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await a.get(user))?.version).toBe(from.version + 1);
  });

  it('never reuses a version after a flow is cleared or replaced, so old buttons stay stale', async () => {
    const a = store();
    const user = randomUUID();
    const first = await a.start(user, 'video', 'gender', {});
    await a.clear(user);
    expect(await a.get(user)).toBeUndefined();
    expect(await a.advance(user, first, 'age', {})).toBeUndefined();
    const second = await a.start(user, 'video', 'gender', {});
    expect(second.version).toBeGreaterThan(first.version + 1);
  });

  it('keeps two bots on one Redis apart', async () => {
    const user = randomUUID();
    await store('1:x').start(user, 'create', 'model', {});
    expect(await store('2:y').get(user)).toBeUndefined();
  });

  it('forgets a flow after days of silence', async () => {
    const a = store('888:z');
    const user = randomUUID();
    await a.start(user, 'create', 'model', {});
    const ttl = await clients[clients.length - 1].ttl(`bot:888:flow:${user}`);
    expect(ttl).toBeGreaterThan(24 * 3600);
    expect(ttl).toBeLessThanOrEqual(3 * 24 * 3600);
  });
});

describe('flow buttons', () => {
  it('round-trips and refuses callback data over Telegram’s 64 bytes', () => {
    expect(parseFlowButton(flowButton('create', 12, 'model', 'seedream-v4'))).toEqual({ flow: 'create', version: 12, action: 'model', arg: 'seedream-v4' });
    expect(parseFlowButton(flowButton('video', 3, 'next'))).toEqual({ flow: 'video', version: 3, action: 'next' });
    expect(parseFlowButton('menu:buy')).toBeUndefined();
    expect(() => flowButton('create', 1, 'model', 'x'.repeat(60))).toThrow(/64 bytes/);
  });
});
