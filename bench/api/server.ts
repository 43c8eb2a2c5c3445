import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { AppConfig } from '@genbot/core';
import { parseAuthorizationInitData, validateInitData } from '@genbot/telegram';
import { bootstrapPublicApi } from '../../apps/public-api/src/bootstrap';

/**
 * One server of the API bench, in a process of its own so that the load generator never shares
 * its event loop. `BENCH_SERVER` picks it:
 * - `reference-redis`: bare Fastify, the same initData HMAC check genbot does, one Redis GET;
 * - `reference-pg`: bare Fastify, the same HMAC, one indexed PostgreSQL query;
 * - `genbot`: public-api as production boots it.
 * Tells the parent its port over IPC, and closes on `{type: 'stop'}`.
 */

interface Settings {
  botToken: string;
  databaseUrl: string;
  redisUrl: string;
  config: Record<string, string>;
}

const settings = JSON.parse(process.env.BENCH_API_SERVER ?? '{}') as Settings;
const kind = process.env.BENCH_SERVER;

async function reference(
  read: (telegramId: string) => Promise<string | null>,
  close: () => Promise<void>,
): Promise<{ port: number; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/api/v1/users/:id/balance', async (request, reply) => {
    const raw = parseAuthorizationInitData(request.headers as Record<string, string | undefined>);
    let telegramId: string;
    try {
      telegramId = String(validateInitData(raw ?? '', settings.botToken, { maxAgeSeconds: 86_400 }).user.id);
    } catch {
      return reply.status(401).send({ code: 'AUTH_INIT_DATA_INVALID', message: 'bad initData' });
    }
    if (telegramId !== request.params.id) return reply.status(403).send({ code: 'USER_FORBIDDEN', message: 'not yours' });
    const body = await read(telegramId);
    if (body === null) return reply.status(404).send({ code: 'USER_NOT_FOUND', message: 'no such user' });
    return reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: async () => {
      await app.close();
      await close();
    },
  };
}

async function start(): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === 'reference-redis') {
    const redis = new Redis(settings.redisUrl);
    return reference(
      (telegramId) => redis.get(`bench:balance:${telegramId}`),
      async () => void redis.disconnect(),
    );
  }
  if (kind === 'reference-pg') {
    const pool = new Pool({ connectionString: settings.databaseUrl, max: 10 });
    return reference(
      async (telegramId) => {
        const { rows } = await pool.query<{ balance: string; reserved: string }>({
          name: 'bench-balance',
          text: `SELECT a.credits_posted - a.debits_posted AS balance, a.debits_pending AS reserved FROM users u JOIN ledger_accounts a ON a.id = u.id WHERE u.telegram_id = $1`,
          values: [telegramId],
        });
        if (!rows[0]) return null;
        const balance = Number(rows[0].balance);
        const reserved = Number(rows[0].reserved);
        return JSON.stringify({ balance, reserved, available: balance - reserved });
      },
      () => pool.end(),
    );
  }
  if (kind === 'genbot') {
    const app = await bootstrapPublicApi(AppConfig.load(settings.config, { readDotenv: false, source: {} }), { port: 0 });
    return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
  }
  throw new Error(`unknown BENCH_SERVER ${kind}`);
}

start().then(
  ({ port, close }) => {
    process.send?.({ type: 'ready', port });
    process.on('message', (message: { type: string }) => {
      if (message.type === 'stop') void close().finally(() => process.exit(0));
      // CPU this server used so far (user + system, µs): per request, the figure noise moves least.
      if (message.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        process.send?.({ type: 'cpu', micros: user + system });
      }
    });
  },
  (error: unknown) => {
    process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
