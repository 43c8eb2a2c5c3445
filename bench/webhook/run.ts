import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { TEST_WEBHOOK_SECRET, freshDatabase } from '@genbot/testing';
import { PacedResult, paced, quantile } from './paced';

/**
 * Telegram's webhook under load: distinct /help updates (each its own update_id) from CHATS users,
 * posted by autocannon over CONNECTIONS connections to the bot app in its own process (webhook
 * mode, real PostgreSQL and Redis, the fake Bot API from libs/testing in this process). Reports
 * the acks (req/s, p50/p99 latency) and how fast the processors handle what was acked: the
 * replies reaching the fake Bot API per second, until the queue is drained. See README.md.
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench_webhook';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/10';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS ?? 10);
const CHATS = Number(process.env.BENCH_CHATS ?? 1000);
/** The paced run's offered load: issue 8's target rate. */
const RATE = Number(process.env.BENCH_RATE ?? 2000);
/** `split`: the webhook in one process (BOT_ROLE=ingest), the handlers in another (BOT_ROLE=handle); `all`: one process doing both. */
const SHAPE = process.env.BENCH_BOT_SHAPE ?? 'split';
const DRAIN_TIMEOUT_SECONDS = Number(process.env.BENCH_DRAIN_TIMEOUT_SECONDS ?? 600);
const FIRST_CHAT = 9_400_000_000;

function botConfig(apiRoot: string, token: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL,
    REDIS_URL,
    BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    BOT_MODE: 'webhook',
    // The bot stores photos users send (it has storage since the chat generates); production wants the secret set.
    FILE_URL_SECRET: 'bench-file-url-secret-0123456789abcdef',
    DATA_DIR: join(tmpdir(), 'genbot-bench-webhook'),
    ...(process.env.BOT_UPDATE_CONCURRENCY ? { BOT_UPDATE_CONCURRENCY: process.env.BOT_UPDATE_CONCURRENCY } : {}),
  };
}

interface Server {
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

async function startServer(kind: 'reference' | 'genbot' | 'telegram', config: Record<string, string>): Promise<Server> {
  const child: ChildProcess = fork(join(__dirname, 'server.ts'), [], {
    execArgv: [
      // Not ts-node: it loads `domain`, which wraps every emit of the process (see bench/register.js).
      '-r',
      join(__dirname, '..', 'register.js'),
      '-r',
      require.resolve('tsconfig-paths/register'),
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json'), BENCH_SERVER: kind, BENCH_BOT_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port?: number; message?: string }) =>
      message.type === 'ready' ? resolve(message.port!) : reject(new Error(message.message)),
    );
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code} before it was ready`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ type: 'stop' });
    });
  return { port, child, stop };
}

let nextUpdateId = 1;
let nextMessageId = 1;

/** A /help from one of CHATS users, as Telegram posts it: a new update_id every time. */
function helpUpdate(): string {
  const updateId = nextUpdateId++;
  const chat = FIRST_CHAT + (updateId % CHATS);
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: nextMessageId++,
      from: { id: chat, is_bot: false, first_name: 'Bench', language_code: 'en' },
      chat: { id: chat, type: 'private', first_name: 'Bench' },
      date: Math.floor(Date.now() / 1000),
      text: '/help',
      entities: [{ type: 'bot_command', offset: 0, length: 5 }],
    },
  });
}

const HEADERS = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_WEBHOOK_SECRET };
const webhookUrl = (port: number) => `http://127.0.0.1:${port}/telegram/webhook`;

/** Full speed: every connection posts its next update as soon as the last is acked (a closed loop). */
function fire(port: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: webhookUrl(port),
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'POST', headers: HEADERS, setupRequest: (request) => ({ ...request, body: helpUpdate() }) }],
  });
}

/** RATE updates a second, evenly spaced, whatever the acks' pace (an open loop; see paced.ts). */
function pace(port: number, seconds: number): Promise<PacedResult> {
  return paced({ url: webhookUrl(port), headers: HEADERS, body: helpUpdate, rate: RATE, seconds, connections: CONNECTIONS });
}

function pacedLine(label: string, result: PacedResult): string {
  const { latencies, failures } = result;
  return (
    `${label}: ${RATE} updates/s offered for ${RUN_SECONDS} s, ${latencies.length} acked, p50 ${quantile(latencies, 0.5)} ms, ` +
    `p90 ${quantile(latencies, 0.9)} ms, p99 ${quantile(latencies, 0.99)} ms, max ${quantile(latencies, 1)} ms${failures ? `, ${failures} failures` : ''}\n`
  );
}

function ackLine(label: string, result: autocannon.Result): string {
  const failures = result.errors + result.timeouts + result.non2xx;
  return (
    `${label}: ${Math.round(result.requests.mean)} acks/s, p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, ` +
    `max ${result.latency.max} ms${failures ? `, ${failures} failures` : ''}\n`
  );
}

/** The bare reference, measured the same ways just before genbot: what the machine allows right now. */
async function reference(config: Record<string, string>): Promise<void> {
  const label = 'reference (bare Fastify + one Redis SET NX)';
  const server = await startServer('reference', config);
  try {
    await pace(server.port, WARMUP_SECONDS);
    process.stdout.write(pacedLine(`${label}, paced`, await pace(server.port, RUN_SECONDS)));
    await fire(server.port, WARMUP_SECONDS);
    process.stdout.write(ackLine(`${label}, full speed`, await fire(server.port, RUN_SECONDS)));
  } finally {
    await server.stop();
  }
}

/** The replies the fake Bot API has had: the updates handled so far (one reply each). */
const replies = (telegram: Server) =>
  new Promise<number>((resolve) => {
    const answer = (message: { type: string; count?: number }) => {
      if (message.type !== 'replies') return;
      telegram.child.off('message', answer);
      resolve(message.count!);
    };
    telegram.child.on('message', answer);
    telegram.child.send({ type: 'replies' });
  });
const TOKEN = '7000000002:bench-webhook-token-aaaaaaaaaaaaaaaaa';
/** The processors' stream holds one entry per chat with updates left: empty means drained. */
const STREAM = `bot:${TOKEN.split(':')[0]}:updates`;

/** How the processors kept up with one phase: while it ingested, then until the queue was empty. */
async function drain(redis: Redis, telegram: Server, phase: { started: number; ended: number; handledBefore: number; acked: number }) {
  const handledAtEnd = (await replies(telegram)) - phase.handledBefore;
  const ingestSeconds = (phase.ended - phase.started) / 1000;
  process.stdout.write(`  handled while ingesting: ${handledAtEnd} of ${phase.acked} (${Math.round(handledAtEnd / ingestSeconds)}/s)\n`);
  while ((await redis.xlen(STREAM)) > 0) {
    if (Date.now() - phase.ended > DRAIN_TIMEOUT_SECONDS * 1000)
      throw new Error(`queue not drained after ${DRAIN_TIMEOUT_SECONDS} s: ${await replies(telegram)} updates handled`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drainSeconds = (Date.now() - phase.ended) / 1000;
  const backlog = phase.acked - handledAtEnd;
  process.stdout.write(
    `  drained: the backlog left at the end of ingest (${backlog}) took ${drainSeconds.toFixed(1)} s = ${Math.round(backlog / Math.max(0.001, drainSeconds))} updates/s\n`,
  );
}

async function main(): Promise<void> {
  if (SHAPE !== 'split' && SHAPE !== 'all') throw new Error(`BENCH_BOT_SHAPE must be split or all, not ${SHAPE}`);
  process.stdout.write(`webhook bench ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}\n`);
  process.stdout.write(
    `${CHATS} chats, ${CONNECTIONS} connections, distinct /help updates, loopback; each server paced (${RATE}/s, ${WARMUP_SECONDS} s warm-up + ${RUN_SECONDS} s), then at full speed (${WARMUP_SECONDS} s warm-up for the reference + ${RUN_SECONDS} s)\n\n`,
  );
  await freshDatabase(DATABASE_URL, 'bench', 'BENCH_DATABASE_URL');
  const db = Number(new URL(REDIS_URL).pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db === 0) throw new Error(`Refusing to FLUSHDB Redis database ${db}: set BENCH_REDIS_URL to a spare one`);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();

  // In a process of its own: the replies must not share the load generator's event loop.
  const telegram = await startServer('telegram', { BOT_TOKEN: TOKEN });
  const config = botConfig(`http://127.0.0.1:${telegram.port}`, TOKEN);
  if (!process.env.BENCH_SKIP_REFERENCE) await reference(config);
  process.stdout.write(
    `genbot: ${SHAPE === 'split' ? 'webhook process (BOT_ROLE=ingest) + handling process (BOT_ROLE=handle)' : 'one process (BOT_ROLE=all)'}\n`,
  );
  const bot = await startServer('genbot', { ...config, BOT_ROLE: SHAPE === 'split' ? 'ingest' : 'all' });
  const handler = SHAPE === 'split' ? await startServer('genbot', { ...config, BOT_ROLE: 'handle' }) : undefined;
  try {
    const firstUpdateId = nextUpdateId;
    let failures = 0;
    let acked = 0;

    // Paced first, on an empty queue: the warm-up's backlog is handled while the measured run ingests.
    let started = Date.now();
    const warmup = await pace(bot.port, WARMUP_SECONDS);
    const steady = await pace(bot.port, RUN_SECONDS);
    failures += warmup.failures + steady.failures;
    acked += warmup.latencies.length + steady.latencies.length;
    process.stdout.write(pacedLine('genbot webhook, paced', steady));
    await drain(redis, telegram, { started, ended: Date.now(), handledBefore: 0, acked: warmup.latencies.length + steady.latencies.length });

    started = Date.now();
    const handledBefore = await replies(telegram);
    const burst = await fire(bot.port, RUN_SECONDS);
    failures += burst.errors + burst.timeouts + burst.non2xx;
    acked += burst['2xx'];
    process.stdout.write(ackLine('genbot webhook, full speed', burst));
    await drain(redis, telegram, { started, ended: Date.now(), handledBefore, acked: burst['2xx'] });

    // autocannon counts no answer for requests still in flight when a run ends, which were queued all the same.
    const sent = nextUpdateId - firstUpdateId;
    const handled = await replies(telegram);
    process.stdout.write(`${sent} updates posted, ${acked} acks counted, ${handled} replies (one per update, none twice)\n`);
    if (handled < acked || handled > sent) process.exitCode = 1;
    if (failures) process.exitCode = 1;
  } finally {
    await bot.stop();
    await handler?.stop();
    await telegram.stop();
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
