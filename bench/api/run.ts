import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { AppConfig } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { freshDatabase, signInitData } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../../apps/public-api/src/bootstrap';

/**
 * Mini App reads (initData-authenticated) through genbot's public-api against two reference
 * servers that do the least such a read can do: bare Fastify with the same initData HMAC and one
 * Redis GET, or one indexed PostgreSQL query. Each server runs in a child process of its own, the
 * load generator (autocannon) in this one; every route gets a warm-up, then rounds of every route
 * in turn, and each figure is the median of its rounds, so that the noise of this shared machine
 * falls on every route alike. See bench/api/README.md.
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench_api';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/11';
const BOT_TOKEN = '7000000001:bench-api-token-aaaaaaaaaaaaaaaaaaaaa';
const USERS = 100;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS ?? 4);
/** Rounds of every route in turn; each figure is the median of its rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FIRST_TELEGRAM_ID = 9_300_000_000;
const DATA_DIR = mkdtempSync(join(tmpdir(), 'genbot-bench-api-'));
/** `BENCH_ONLY=genbot` (or a route substring) runs only the matching targets, for profiling. */
const ONLY = process.env.BENCH_ONLY;
/** `BENCH_CPU_PROF=dir` writes a V8 CPU profile of each genbot server child into dir. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

type ServerKind = 'reference-redis' | 'reference-pg' | 'genbot';

interface Target {
  server: ServerKind;
  route: string;
  path: (telegramId: number) => string;
}

const TARGETS: Target[] = [
  { server: 'reference-redis', route: 'balance (reference: HMAC + Redis GET)', path: (id) => `/api/v1/users/${id}/balance` },
  { server: 'reference-pg', route: 'balance (reference: HMAC + indexed PG query)', path: (id) => `/api/v1/users/${id}/balance` },
  { server: 'genbot', route: 'GET /users/{telegram_id}/balance', path: (id) => `/api/v1/users/${id}/balance` },
  { server: 'genbot', route: 'GET /models', path: () => `/api/v1/models` },
  { server: 'genbot', route: 'GET /generations/active', path: () => `/api/v1/generations/active` },
];
const BAR = TARGETS[0].route;

interface Row {
  route: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  failures: number;
  /** This route's req/s over the reference's in each round: how much the noise moved it. */
  ratios: number[];
  /** The server's CPU time per answered request, µs (median of the rounds). */
  cpuMicros: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function genbotConfig(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL,
    REDIS_URL,
    BOT_TOKEN,
    SERVICE_API_KEYS: 'bench:bench-api-key-0123456789',
    DATA_DIR: DATA_DIR,
    // Set rather than generated under DATA_DIR, which two processes would race to do.
    JWT_SECRET: 'b'.repeat(40),
    FILE_URL_SECRET: 'f'.repeat(40),
    // The limiter still runs on every call (its Redis round trip is part of the cost measured),
    // but 100 users at thousands of req/s from one address must not be refused: a 429 is cheaper
    // than a read, and the figures would flatter genbot.
    RATE_LIMIT_RPS: '100000',
    RATE_LIMIT_BURST: '100000',
    RATE_LIMIT_IP_RPS: '100000',
    RATE_LIMIT_IP_BURST: '100000',
    // Experiments: `BENCH_GENBOT_ENV='{"RATE_LIMIT_RPS":"0"}'` runs genbot with other settings.
    ...(JSON.parse(process.env.BENCH_GENBOT_ENV ?? '{}') as Record<string, string>),
  };
}

/** Users with credits, registered through the real services; their balances mirrored in Redis for the reference. */
async function seed(): Promise<number[]> {
  await freshDatabase(DATABASE_URL, 'bench', 'BENCH_DATABASE_URL');
  const db = Number(new URL(REDIS_URL).pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db === 0) throw new Error(`Refusing to FLUSHDB Redis database ${db}: set BENCH_REDIS_URL to a spare one`);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  const api = await bootstrapPublicApi(AppConfig.load(genbotConfig(), { readDotenv: false, source: {} }), { port: 0 });
  const ids: number[] = [];
  try {
    const users = api.get(UsersService);
    const ledger = api.get(LedgerService);
    for (let i = 0; i < USERS; i++) {
      const telegramId = FIRST_TELEGRAM_ID + i;
      const { user } = await users.register({ telegramId: String(telegramId), firstName: `Bench ${i}`, languageCode: 'en' });
      await ledger.transfer({
        idempotencyKey: `bench:fund:${user.id}`,
        from: { system: 'purchases' },
        to: { userId: user.id },
        amount: 1000,
        kind: 'purchase',
      });
      await redis.set(`bench:balance:${telegramId}`, JSON.stringify(await ledger.balance(user.id)));
      ids.push(telegramId);
    }
  } finally {
    await api.close();
    redis.disconnect();
  }
  return ids;
}

interface Server {
  port: number;
  /** CPU time the server's process has used so far, in µs. */
  cpu: () => Promise<number>;
  stop: () => Promise<void>;
}

async function startServer(server: ServerKind): Promise<Server> {
  const child: ChildProcess = fork(join(__dirname, 'server.ts'), [], {
    execArgv: [
      // Not ts-node: see bench/register.js (it would load `domain` into the server's process).
      '-r',
      join(__dirname, '..', 'register.js'),
      '-r',
      require.resolve('tsconfig-paths/register'),
      ...(CPU_PROF_DIR && server === 'genbot' ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
    ],
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json'),
      BENCH_SERVER: server,
      BENCH_API_SERVER: JSON.stringify({ botToken: BOT_TOKEN, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, config: genbotConfig() }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port?: number; message?: string }) =>
      message.type === 'ready' ? resolve(message.port!) : reject(new Error(message.message)),
    );
    child.once('exit', (code) => reject(new Error(`${server} exited with ${code} before it was ready`)));
  });
  return {
    port,
    cpu: () =>
      new Promise((resolve) => {
        const listen = (message: { type: string; micros?: number }) => {
          if (message.type !== 'cpu') return;
          child.off('message', listen);
          resolve(message.micros!);
        };
        child.on('message', listen);
        child.send({ type: 'cpu' });
      }),
    stop: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}

/** Each connection is one user, signing its own initData, as a hundred Mini Apps would. */
function fire(port: number, target: Target, telegramIds: number[], seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    setupClient: (client) => {
      const id = telegramIds[next++ % telegramIds.length];
      const initData = signInitData(BOT_TOKEN, { user: { id, first_name: `Bench ${id}`, language_code: 'en' } });
      client.setRequests([{ method: 'GET', path: target.path(id), headers: { 'x-telegram-init-data': initData } }]);
    },
  });
}

function table(header: string[], lines: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...lines.map((line) => `| ${line.join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  process.stdout.write(`api bench ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}\n`);
  process.stdout.write(
    `${USERS} users, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, then ${ROUNDS} rounds of ${RUN_SECONDS} s per route in turn, loopback; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n\n`,
  );
  const telegramIds = await seed();
  const targets = TARGETS.filter((t) => !ONLY || t.server === ONLY || t.route.includes(ONLY) || t.route === BAR);
  // Every server up at once (an idle one costs nothing), so that rounds can interleave: whatever
  // else the machine is doing falls on every route alike, not on whichever ran during a test suite.
  const servers = new Map<ServerKind, Server>();
  const runs = new Map<string, autocannon.Result[]>(targets.map((t) => [t.route, []]));
  const cpuPerRequest = new Map<string, number[]>(targets.map((t) => [t.route, []]));
  try {
    for (const server of new Set(targets.map((t) => t.server))) servers.set(server, await startServer(server));
    for (const target of targets) await fire(servers.get(target.server)!.port, target, telegramIds, WARMUP_SECONDS);
    for (let round = 1; round <= ROUNDS; round++) {
      const line: string[] = [];
      for (const target of targets) {
        const server = servers.get(target.server)!;
        const cpuBefore = await server.cpu();
        const result = await fire(server.port, target, telegramIds, RUN_SECONDS);
        runs.get(target.route)!.push(result);
        cpuPerRequest.get(target.route)!.push(((await server.cpu()) - cpuBefore) / Math.max(1, result.requests.total));
        line.push(`${Math.round(result.requests.mean)}`);
      }
      process.stdout.write(`  round ${round}: ${line.join(' / ')} req/s\n`);
    }
  } finally {
    // Requests still in flight when a run ended finish first, so closing logs no errors.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const server of servers.values()) await server.stop();
  }
  const bar = runs.get(BAR)!;
  const rows: Row[] = targets.map((target) => {
    const results = runs.get(target.route)!;
    return {
      route: target.route,
      reqPerSec: median(results.map((r) => r.requests.mean)),
      p50: median(results.map((r) => r.latency.p50)),
      p99: median(results.map((r) => r.latency.p99)),
      failures: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
      ratios: results.map((r, i) => r.requests.mean / bar[i].requests.mean),
      cpuMicros: median(cpuPerRequest.get(target.route)!),
    };
  });
  const reference = rows[0];
  const percent = (value: number) => `${(value * 100).toFixed(0)} %`;
  process.stdout.write(
    `\n${table(
      ['route', 'req/s', 'p50 ms', 'p99 ms', 'failures', 'req/s vs Redis reference', 'rounds: min–max', 'p99 vs Redis reference', 'server CPU µs/req'],
      rows.map((r) => [
        r.route,
        Math.round(r.reqPerSec),
        r.p50,
        r.p99,
        r.failures,
        percent(r.reqPerSec / reference.reqPerSec),
        `${percent(Math.min(...r.ratios))}–${percent(Math.max(...r.ratios))}`,
        `${(r.p99 / reference.p99).toFixed(2)}x`,
        Math.round(r.cpuMicros),
      ]),
    )}\n`,
  );
  process.stdout.write(
    `targets: genbot reads >= 50 % of the reference's req/s, p99 <= 2x its p99\nload average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; total ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (rows.some((r) => r.failures > 0)) {
    process.stderr.write('some runs had errors or non-2xx answers: the figures are not comparable\n');
    process.exitCode = 1;
  }
}

main()
  .finally(() => rmSync(DATA_DIR, { recursive: true, force: true }))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
