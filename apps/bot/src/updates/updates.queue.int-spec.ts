import Redis from 'ioredis';
import { randomInt } from 'node:crypto';
import type { Update } from 'telegraf/types';
import { AppConfig } from '@genbot/core';
import { TEST_REDIS_URL, messageUpdate } from '@genbot/testing';
import { UpdatesQueue } from './updates.queue';

/** Every command Redis runs for `botId`'s queue, as MONITOR shows them, while `work` runs. */
async function commandsDuring(botId: string, work: () => Promise<unknown>): Promise<string[]> {
  const client = new Redis(TEST_REDIS_URL);
  const monitor = await client.monitor();
  client.disconnect();
  const seen: string[] = [];
  // What the client sent, not what its scripts ran (source 'lua').
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((arg) => arg.includes(`bot:${botId}:`) || arg.includes(`bot:update:${botId}:`))) seen.push(args[0].toLowerCase());
  });
  try {
    await work();
    // MONITOR reports what ran before this ECHO ahead of it.
    const token = `queue-test-done-${botId}`;
    const echoed = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args[1] === token && resolve()));
    const probe = new Redis(TEST_REDIS_URL);
    await probe.echo(token);
    await echoed;
    probe.disconnect();
    return seen;
  } finally {
    monitor.disconnect();
  }
}

// Real Redis. The queue is keyed by the bot's id: a random one per test keeps suites apart.
describe('UpdatesQueue.enqueue (Redis)', () => {
  let redis: Redis;
  let botId: string;
  let queue: UpdatesQueue;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    botId = String(randomInt(100_000_000, 2_000_000_000));
    queue = new UpdatesQueue(redis, AppConfig.load({ BOT_TOKEN: `${botId}:AAF-fake-token-for-queue-tests_0123456789` }, { readDotenv: false, source: {} }));
  });
  afterEach(() => queue.onApplicationShutdown());

  const lane = (name: string) => redis.lrange(`bot:${botId}:lane:${name}`, 0, -1).then((items) => items.map((item) => (JSON.parse(item) as Update).update_id));
  const announced = () => redis.xrange(`bot:${botId}:updates`, '-', '+').then((entries) => entries.map(([, fields]) => fields[1]));

  it('queues the updates of one tick in order per chat, announces each chat once, and answers a repeat as queued', async () => {
    const [a1, a2, b1] = [messageUpdate({ id: 11 }, '/start'), messageUpdate({ id: 11 }, '/help'), messageUpdate({ id: 22 }, '/start')];
    const states = await Promise.all([a1, a2, b1, a1].map((update) => queue.enqueue(update as Update)));
    expect(states).toEqual(['new', 'new', 'new', 'queued']);
    expect(await lane('c11')).toEqual([a1.update_id, a2.update_id]);
    expect(await lane('c22')).toEqual([b1.update_id]);
    expect(await announced()).toEqual(['c11', 'c22']);
    // A later tick: the chat already has a lane entry, so nothing more is announced.
    const a3 = messageUpdate({ id: 11 }, '/balance');
    expect(await queue.enqueue(a3 as Update)).toBe('new');
    expect(await lane('c11')).toEqual([a1.update_id, a2.update_id, a3.update_id]);
    expect(await announced()).toEqual(['c11', 'c22']);
  });

  it('answers done for an update a processor finished', async () => {
    const update = messageUpdate({ id: 33 }, '/help');
    await redis.set(`bot:update:${botId}:${update.update_id}`, 'done');
    expect(await queue.enqueue(update as Update)).toBe('done');
    expect(await lane('c33')).toEqual([]);
  });

  it('sends the enqueues of one tick to Redis as one script call', async () => {
    const updates = Array.from({ length: 200 }, (_, i) => messageUpdate({ id: 1000 + (i % 50) }, `/help ${i}`) as Update);
    const commands = await commandsDuring(botId, () => Promise.all(updates.map((update) => queue.enqueue(update))));
    // EVAL the first time on a connection, EVALSHA after.
    expect(commands).toEqual([expect.stringMatching(/^eval(sha)?$/)]);
    expect(await announced()).toHaveLength(50);
  });

  it('splits a tick of more than 500 updates into calls of 500, keeping each chat in order', async () => {
    const updates = Array.from({ length: 1_100 }, (_, i) => messageUpdate({ id: 2000 + (i % 7) }, `/help ${i}`) as Update);
    const commands = await commandsDuring(botId, () => Promise.all(updates.map((update) => queue.enqueue(update))));
    expect(commands).toHaveLength(3);
    expect(await lane('c2003')).toEqual(updates.filter((_, i) => i % 7 === 3).map((update) => update.update_id));
    expect(await announced()).toHaveLength(7);
  });

  it('fails only the update whose lane cannot take it; the others of its tick are queued, and it can be retried', async () => {
    const [bad, good] = [messageUpdate({ id: 44 }, '/help'), messageUpdate({ id: 55 }, '/help')];
    await redis.set(`bot:${botId}:lane:c44`, 'not a list');
    const [badState, goodState] = await Promise.allSettled([queue.enqueue(bad as Update), queue.enqueue(good as Update)]);
    expect(badState).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('WRONGTYPE') } });
    expect(goodState).toEqual({ status: 'fulfilled', value: 'new' });
    // Not marked as seen: Telegram's redelivery is queued once the lane is usable.
    await redis.del(`bot:${botId}:lane:c44`);
    expect(await queue.enqueue(bad as Update)).toBe('new');
    expect(await lane('c44')).toEqual([bad.update_id]);
  });
});
