import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, freshDatabase } from '@genbot/testing';

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

async function startServer(kind: 'reference' | 'genbot', config: Record<string, string>): Promise<{ port: number; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(join(__dirname, 'server.ts'), [], {
    execArgv: [
      // Not ts-node: it loads `domain`, which wraps every emit of the process (see bench/register.js).
      '-r',
      join(__dirname, '..', 'register.js'),
      '-r',
      require.resolve('tsconfig-paths/register'),
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
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
  return { port, stop };
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

function fire(port: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/telegram/${process.env.ROUTE ?? 'webhook'}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_WEBHOOK_SECRET },
        setupRequest: (request) => ({ ...request, body: helpUpdate() }),
      },
    ],
  });
}

function ackLine(label: string, result: autocannon.Result): string {
  const failures = result.errors + result.timeouts + result.non2xx;
  return (
    `${label}: ${Math.round(result.requests.mean)} acks/s, p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, ` +
    `max ${result.latency.max} ms${failures ? `, ${failures} failures` : ''}\n`
  );
}

/** The bare reference, measured the same way just before genbot: what the machine allows right now. */
async function reference(config: Record<string, string>): Promise<void> {
  const server = await startServer('reference', config);
  try {
    await fire(server.port, WARMUP_SECONDS);
    process.stdout.write(ackLine('reference (bare Fastify + one Redis SET NX)', await fire(server.port, RUN_SECONDS)));
  } finally {
    await server.stop();
  }
}

const replies = (telegram: FakeTelegramApi) => telegram.calls('sendMessage').length;
const TOKEN = '7000000002:bench-webhook-token-aaaaaaaaaaaaaaaaa';
/** The processors' stream holds one entry per chat with updates left: empty means drained. */
const STREAM = `bot:${TOKEN.split(':')[0]}:updates`;

async function main(): Promise<void> {
  process.stdout.write(`webhook bench ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}\n`);
  process.stdout.write(`${CHATS} chats, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${RUN_SECONDS} s, distinct /help updates, loopback\n\n`);
  await freshDatabase(DATABASE_URL, 'bench', 'BENCH_DATABASE_URL');
  const db = Number(new URL(REDIS_URL).pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db === 0) throw new Error(`Refusing to FLUSHDB Redis database ${db}: set BENCH_REDIS_URL to a spare one`);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();

  const telegram = await FakeTelegramApi.start({ token: TOKEN });
  const config = botConfig(telegram.apiRoot, telegram.token);
  if (!process.env.BENCH_SKIP_REFERENCE) await reference(config);
  const bot = await startServer('genbot', config);
  try {
    const firstUpdateId = nextUpdateId;
    const started = Date.now();
    const warmup = await fire(bot.port, WARMUP_SECONDS);
    const result = await fire(bot.port, RUN_SECONDS);
    const ingestEnded = Date.now();
    const acked = warmup['2xx'] + result['2xx'];
    const handledAtIngestEnd = replies(telegram);
    const failures = result.errors + result.timeouts + result.non2xx + warmup.errors + warmup.timeouts + warmup.non2xx;
    process.stdout.write(ackLine('genbot webhook', result));
    process.stdout.write(`  ${result['2xx']} acked in the measured ${RUN_SECONDS} s, ${acked} with the warm-up\n`);
    process.stdout.write(
      `handled while ingesting: ${handledAtIngestEnd} of ${acked} (${Math.round(handledAtIngestEnd / ((ingestEnded - started) / 1000))}/s)\n`,
    );
    for (;;) {
      const handled = replies(telegram);
      if ((await redis.xlen(STREAM)) === 0) break;
      if (Date.now() - ingestEnded > DRAIN_TIMEOUT_SECONDS * 1000)
        throw new Error(`queue not drained after ${DRAIN_TIMEOUT_SECONDS} s: ${handled} of ${acked} handled`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drained = Date.now();
    const handled = replies(telegram);
    process.stdout.write(
      `drained: ${handled} handled in ${((drained - started) / 1000).toFixed(1)} s from the first ack = ${Math.round(handled / ((drained - started) / 1000))} updates/s; ` +
        `the backlog left at the end of ingest (${acked - handledAtIngestEnd}) took ${((drained - ingestEnded) / 1000).toFixed(1)} s = ${Math.round((acked - handledAtIngestEnd) / Math.max(0.001, (drained - ingestEnded) / 1000))} updates/s\n`,
    );
    // autocannon counts no answer for requests still in flight when a run ends, which were queued all the same.
    const sent = nextUpdateId - firstUpdateId;
    process.stdout.write(`${sent} updates posted, ${acked} acks counted, ${handled} replies (one per update, none twice)\n`);
    if (handled < acked || handled > sent) process.exitCode = 1;
    if (failures) process.exitCode = 1;
  } finally {
    await bot.stop();
    await telegram.close();
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
