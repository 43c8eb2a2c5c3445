import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify from 'fastify';
import Redis from 'ioredis';
import { AppConfig } from '@genbot/core';
import { FakeTelegramApi } from '@genbot/testing';
import { bootstrapBot } from '../../apps/bot/src/bootstrap';

/**
 * One server of the webhook bench, in a process of its own so the load generator never shares
 * its event loop. `BENCH_SERVER` picks it:
 * - `reference`: the least a durable ack can do: bare Fastify, the secret compared, one Redis
 *   SET NX of the update_id (no queue, no handlers), so the figures say what this machine allows now;
 * - `genbot`: the bot app as production boots it (webhook mode), with the BOT_ROLE it is given;
 * - `telegram`: the fake Bot API the bot replies to, out of the load generator's event loop; it
 *   answers `{type: 'replies'}` with the number of sendMessage calls it has had.
 * Tells the parent its port over IPC, and closes on `{type: 'stop'}`.
 */
async function start(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_BOT_CONFIG ?? '{}') as Record<string, string>;
  let port: number;
  let close: () => Promise<unknown>;
  if (process.env.BENCH_SERVER === 'telegram') {
    const telegram = await FakeTelegramApi.start({ token: settings.BOT_TOKEN });
    port = Number(new URL(telegram.apiRoot).port);
    close = () => telegram.close();
    process.on('message', (message: { type: string }) => {
      if (message.type === 'replies') process.send?.({ type: 'replies', count: telegram.calls('sendMessage').length });
    });
  } else if (process.env.BENCH_SERVER === 'reference') {
    const redis = new Redis(settings.REDIS_URL, { enableAutoPipelining: true });
    const app = Fastify({ logger: false });
    app.post('/telegram/webhook', async (request, reply) => {
      if (request.headers['x-telegram-bot-api-secret-token'] !== settings.TELEGRAM_WEBHOOK_SECRET)
        return reply.status(401).send({ code: 'WEBHOOK_SECRET_INVALID' });
      await redis.set(`reference:update:${(request.body as { update_id: number }).update_id}`, 'queued', 'EX', 600, 'NX');
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    close = () => app.close().then(() => redis.quit());
  } else {
    const app = await bootstrapBot(AppConfig.load(settings, { readDotenv: false, source: {} }), { port: 0 });
    port = (app.getHttpServer().address() as AddressInfo).port;
    close = () => app.close();
  }
  const survivors = await sampleSurvivors(process.env.BENCH_HEAP_PROF);
  process.send?.({ type: 'ready', port });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop')
      void survivors()
        .then(close)
        .finally(() => process.exit(0));
  });
}

/**
 * `BENCH_HEAP_PROF=dir`: a sampling heap profile of what outlived a young-generation collection
 * (what those collections copy), written into dir as `<kind>-<pid>.heapprofile` (Chrome
 * DevTools, Memory tab, loads it) when the server stops.
 */
async function sampleSurvivors(dir: string | undefined): Promise<() => Promise<void>> {
  if (!dir) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(join(dir, `${process.env.BENCH_SERVER}-${process.pid}.heapprofile`), JSON.stringify(profile));
  };
}

start().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
