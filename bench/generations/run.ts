import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, QUEUES } from '@genbot/core';
import { GenerationsService } from '@genbot/generations';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { freshDatabase } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../../apps/public-api/src/bootstrap';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap';
import type { FromParent, FromWorker } from './worker';

/**
 * Submit → worker pickup latency and jobs per second of the generations pipeline, through the
 * built-in `local` provider, against a real PostgreSQL and Redis.
 *
 * Submissions go through `GenerationsService.submit` of a booted public-api (the call its
 * controllers make, without HTTP, initData and the throttler in front, so the figure is the
 * pipeline's and not the HTTP stack's). The worker is the real `bootstrapWorker`, in a child
 * process of its own as production runs it (`BENCH_WORKER=inline` runs it in this process, as
 * the all-in-one `npm start` does). Every submission is paid: a hold of 5 credits, captured when
 * the result is stored.
 *
 *   1. latency: STEADY_COUNT submissions at STEADY_RATE per second (open loop: each one is sent on
 *      schedule whether or not the previous ones finished), pickup = started_at − created_at.
 *   2. throughput: BURST_COUNT submissions by BURST_CONCURRENCY submitters as fast as they go,
 *      jobs/s = BURST_COUNT / (last finished_at − first created_at).
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench_gen';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const WORKER_MODE = process.env.BENCH_WORKER === 'inline' ? 'inline' : 'process';

const MODEL = 'local-text-to-image';
const PRICE = 5;
const OPTIONS = { size: '512*512' };
const USERS = 50;
const WARMUP_COUNT = 20;
const STEADY_COUNT = 200;
const STEADY_RATE = Number(process.env.BENCH_RATE ?? 10);
const BURST_COUNT = 300;
const BURST_CONCURRENCY = 32;
const CREDITS_PER_USER = Math.ceil(((WARMUP_COUNT + STEADY_COUNT + BURST_COUNT) / USERS) * 2) * PRICE;
/** The whole run, boot included, must end by then; otherwise it stops with what it knows. */
const WATCHDOG_MS = 120_000;
const PHASE_TIMEOUT_MS = 45_000;

interface WorkerHandle {
  /** CPU milliseconds the worker's process has used so far (undefined inline: it is ours). */
  cpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

interface Submitted {
  id: string;
  /** Wall-clock ms (epoch) when `submit` was called. */
  calledAt: number;
  /** Duration of the `submit` call as this process saw it. */
  callMs: number;
}

interface Timing {
  id: string;
  status: string;
  created: number;
  started: number;
  finished: number;
  called: number;
  /** BullMQ's own stamps of the `generation.run` job: added (producer), taken (worker). */
  enqueued?: number;
  taken?: number;
}

interface PhaseResult {
  name: string;
  timings: Timing[];
  calls: number[];
  submitSeconds: number;
  workerCpuMs?: number;
  benchCpuMs: number;
  /** Share of all the machine's CPUs busy during the phase (PostgreSQL, Redis, anything else). */
  machineBusy?: number;
  /** CPU ms of the local PostgreSQL and Redis server processes during the phase (Linux only). */
  serverCpuMs?: Record<string, number>;
  backends: BackendSample;
}

/** Average number of this database's PostgreSQL backends in each state, sampled during a phase. */
interface BackendSample {
  samples: number;
  running: number;
  lockWait: number;
  ioWait: number;
  /** Transaction open, backend waiting for the app's next statement (locks stay held meanwhile). */
  idleInTransaction: number;
  /** The statement most often seen waiting on a lock, and in what share of lock waits. */
  topLockWait?: { query: string; share: number };
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 1000} s, giving up`);
    process.exit(2);
  }, WATCHDOG_MS).unref();

  const dataDir = mkdtempSync(join(tmpdir(), 'genbot-bench-gen-'));
  let api: NestFastifyApplication | undefined;
  let worker: WorkerHandle | undefined;
  let failed = false;
  try {
    if (!(STEADY_RATE > 0 && STEADY_RATE <= 1000))
      throw new Error(`BENCH_RATE must be a number of submissions per second, 1-1000 (got ${process.env.BENCH_RATE})`);
    await warnIfBusy();
    log(`preparing ${redact(DATABASE_URL)} and ${REDIS_URL}`);
    await prepareDatabase(DATABASE_URL);
    await flushRedis(REDIS_URL);

    const overrides: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL,
      REDIS_URL,
      DATA_DIR: dataDir,
      // Set rather than generated under DATA_DIR, which two processes would race to do.
      JWT_SECRET: 'b'.repeat(40),
      FILE_URL_SECRET: 'f'.repeat(40),
    };
    const config = AppConfig.load(overrides, { readDotenv: false, source: {} });
    worker = WORKER_MODE === 'inline' ? await inlineWorker(config) : await forkWorker(overrides);
    api = await bootstrapPublicApi(config, { port: 0 });
    const generations = api.get(GenerationsService);
    const db = api.get(DataSource);
    const queue = api.get<Queue>(getQueueToken(QUEUES.generations), { strict: false });
    log(`worker: ${WORKER_MODE === 'inline' ? 'in this process' : 'child process'}; ${cpus().length} CPUs; pool ${config.env.DATABASE_POOL_SIZE} per app`);

    const userIds = await createUsers(api);
    const submitOne = async (phase: string, i: number): Promise<Submitted> => {
      const userId = userIds[i % userIds.length];
      const start = performance.now();
      const calledAt = performance.timeOrigin + start;
      const generation = await generations.submit({ userId, model: MODEL, prompt: `bench ${phase} ${i}`, options: OPTIONS, source: 'miniapp', language: 'en' });
      const callMs = performance.now() - start;
      if (generation.status !== 'queued' || generation.priceCredits !== PRICE || generation.isTrial) {
        throw new Error(`unexpected submission: ${generation.status}, ${generation.priceCredits} credits, trial ${generation.isTrial}`);
      }
      return { id: generation.id, calledAt, callMs };
    };
    const phase = async (name: string, submitAll: () => Promise<Submitted[]>): Promise<PhaseResult> => {
      const workerCpu = await worker!.cpuMs();
      const benchCpu = process.cpuUsage();
      const machine = machineCpu();
      const servers = serverCpu();
      const sampler = await sampleBackends(DATABASE_URL);
      const start = performance.now();
      const submitted = await submitAll();
      const submitSeconds = (performance.now() - start) / 1000;
      const ids = submitted.map((s) => s.id);
      await waitUntilFinal(db, ids);
      const workerCpuAfter = await worker!.cpuMs();
      const bench = process.cpuUsage(benchCpu);
      const backends = await sampler.stop();
      return {
        name,
        timings: await timingsOf(db, queue, submitted),
        calls: submitted.map((s) => s.callMs),
        submitSeconds,
        workerCpuMs: workerCpu === undefined || workerCpuAfter === undefined ? undefined : workerCpuAfter - workerCpu,
        benchCpuMs: (bench.user + bench.system) / 1000,
        machineBusy: busyShare(machine, machineCpu()),
        serverCpuMs: serverCpuDelta(servers, serverCpu()),
        backends,
      };
    };

    // JIT, pool connections, sharp's first render, the catalog and settings caches.
    await phase('warm-up', () => atRate(WARMUP_COUNT, 10, (i) => submitOne('warmup', i)));
    log(`latency: ${STEADY_COUNT} submissions at ${STEADY_RATE}/s`);
    const steady = await phase('latency', () => atRate(STEADY_COUNT, STEADY_RATE, (i) => submitOne('steady', i)));
    log(`throughput: ${BURST_COUNT} submissions, ${BURST_CONCURRENCY} at a time`);
    const burst = await phase('throughput', () => withConcurrency(BURST_COUNT, BURST_CONCURRENCY, (i) => submitOne('burst', i)));

    report(steady, burst);
    failed = !(await checkOutcome(db, api.get(LedgerService), userIds, WARMUP_COUNT + STEADY_COUNT + BURST_COUNT));
  } catch (error) {
    failed = true;
    console.error('bench failed:', error);
  } finally {
    await worker?.stop().catch((error: unknown) => console.error('stopping the worker failed:', error));
    await api?.close().catch((error: unknown) => console.error('closing public-api failed:', error));
    rmSync(dataDir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------- setup

/** Same steps as the test global setup, on a database whose name must say it is for benches. */
function prepareDatabase(url: string): Promise<void> {
  return freshDatabase(url, 'bench', 'BENCH_DATABASE_URL');
}

/** Empties only the bench's Redis database; db 0 (what `npm start` uses) is refused. */
async function flushRedis(url: string): Promise<void> {
  const db = Number(new URL(url).pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db === 0)
    throw new Error(`Refusing to FLUSHDB Redis database ${db} of ${url}: name a spare one, e.g. redis://127.0.0.1:6379/12 (set BENCH_REDIS_URL)`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

async function inlineWorker(config: AppConfig): Promise<WorkerHandle> {
  const app = await bootstrapWorker(config, { port: 0 });
  return { cpuMs: async () => undefined, stop: () => app.close() };
}

/** The worker in a child process: same config, talks over IPC (ready, CPU time, stop). */
function forkWorker(overrides: Record<string, string>): Promise<WorkerHandle> {
  const child = fork(join(__dirname, 'worker.ts'), [], {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only'), '-r', require.resolve('tsconfig-paths/register')],
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json'), BENCH_WORKER_CONFIG: JSON.stringify(overrides) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<FromWorker['type'], (message: FromWorker) => void>();
  const next = <T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not answer "${type}" within ${timeoutMs} ms`)), timeoutMs);
      waiting.set(type, (message) => {
        clearTimeout(timer);
        resolve(message as Extract<FromWorker, { type: T }>);
      });
    });
  let exited = false;
  child.on('exit', () => (exited = true));
  const ask = (message: FromParent) => child.send(message);

  return new Promise((resolve, reject) => {
    child.on('message', (message: FromWorker) => {
      if (message.type === 'error') return reject(new Error(`worker failed to start: ${message.message}`));
      waiting.get(message.type)?.(message);
      waiting.delete(message.type);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
    next('ready', 60_000).then(
      () =>
        resolve({
          cpuMs: async () => {
            const answer = next('cpu', 5_000);
            ask({ type: 'cpu' });
            return (await answer).cpuMs;
          },
          stop: async () => {
            if (exited) return;
            const stopped = next('stopped', 20_000);
            ask({ type: 'stop' });
            await stopped.catch(() => child.kill('SIGKILL'));
          },
        }),
      reject,
    );
  });
}

/** Users paying for every submission: credits bought, and the free trial already spent. */
async function createUsers(api: NestFastifyApplication): Promise<string[]> {
  const users = api.get(UsersService);
  const ledger = api.get(LedgerService);
  const db = api.get(DataSource);
  const [model]: { id: string }[] = await db.query(`SELECT id FROM models WHERE slug = $1`, [MODEL]);
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const { user } = await users.register({ telegramId: String(9_100_000_000 + i), firstName: `Bench ${i}`, languageCode: 'en' });
    await ledger.transfer({
      idempotencyKey: `bench:fund:${user.id}`,
      from: { system: 'purchases' },
      to: { userId: user.id },
      amount: CREDITS_PER_USER,
      kind: 'purchase',
    });
    await db.query(`INSERT INTO trial_uses (user_id, model_id, generation_id) VALUES ($1, $2, $3)`, [user.id, model.id, randomUUID()]);
    ids.push(user.id);
  }
  return ids;
}

// ---------------------------------------------------------------- load

/** Starts `count` calls on a fixed schedule, not waiting for earlier ones (an open loop). */
async function atRate<T>(count: number, perSecond: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const start = performance.now();
  const running: Promise<T>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    running.push(call(i));
  }
  return Promise.all(running);
}

/** `count` calls, `concurrency` at a time, each submitter starting its next one at once. */
async function withConcurrency<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const submitter = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, submitter));
  return results;
}

/** Every 50 ms, what this database's backends are doing, from a connection of its own. */
async function sampleBackends(url: string): Promise<{ stop(): Promise<BackendSample> }> {
  const client = new Client({ connectionString: url, application_name: 'bench-sampler' });
  await client.connect();
  const totals = { samples: 0, running: 0, lockWait: 0, ioWait: 0, idleInTransaction: 0 };
  const lockQueries = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{ state: string; wait_event_type: string | null; query: string }>(
        `SELECT state, wait_event_type, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
      );
      totals.samples++;
      for (const row of rows) {
        if (row.state.startsWith('idle in transaction')) totals.idleInTransaction++;
        else if (row.wait_event_type === 'Lock') {
          totals.lockWait++;
          lockQueries.set(row.query, (lockQueries.get(row.query) ?? 0) + 1);
        } else if (row.wait_event_type === 'IO' || row.wait_event_type === 'LWLock') totals.ioWait++;
        else if (row.state === 'active') totals.running++;
      }
      await sleep(50);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      const n = Math.max(1, totals.samples);
      const [top] = [...lockQueries.entries()].sort((a, b) => b[1] - a[1]);
      return {
        samples: totals.samples,
        running: totals.running / n,
        lockWait: totals.lockWait / n,
        ioWait: totals.ioWait / n,
        idleInTransaction: totals.idleInTransaction / n,
        topLockWait: top && totals.lockWait > 0 ? { query: top[0], share: top[1] / totals.lockWait } : undefined,
      };
    },
  };
}

async function waitUntilFinal(db: DataSource, ids: string[]): Promise<void> {
  const until = Date.now() + PHASE_TIMEOUT_MS;
  for (;;) {
    const [{ open }]: { open: string }[] = await db.query(
      `SELECT count(*) AS open FROM generations WHERE id = ANY($1) AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
      [ids],
    );
    if (Number(open) === 0) return;
    if (Date.now() > until) throw new Error(`${open} of ${ids.length} generations still unfinished after ${PHASE_TIMEOUT_MS / 1000} s`);
    await sleep(50);
  }
}

/** Database stamps (created_at by PostgreSQL, started/finished_at by the worker) and BullMQ's. */
async function timingsOf(db: DataSource, queue: Queue, submitted: Submitted[]): Promise<Timing[]> {
  const calledAt = new Map(submitted.map((s) => [s.id, s.calledAt]));
  const ids = submitted.map((s) => s.id);
  const rows: Record<string, string>[] = await db.query(
    `SELECT id, status, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM started_at) * 1000 AS started,
            extract(epoch FROM finished_at) * 1000 AS finished
     FROM generations WHERE id = ANY($1)`,
    [ids],
  );
  const timings: Timing[] = [];
  for (const row of rows) {
    const job = await queue.getJob(`run-${row.id}`);
    timings.push({
      id: row.id,
      status: row.status,
      created: Number(row.created),
      started: Number(row.started),
      finished: Number(row.finished),
      called: calledAt.get(row.id)!,
      enqueued: job?.timestamp,
      taken: job?.processedOn,
    });
  }
  return timings;
}

// ---------------------------------------------------------------- checks and report

/** Every generation succeeded, every user paid exactly once per generation, the ledger balances. */
async function checkOutcome(db: DataSource, ledger: LedgerService, userIds: string[], expected: number): Promise<boolean> {
  let ok = true;
  const statuses: { status: string; n: string }[] = await db.query(`SELECT status, count(*) AS n FROM generations GROUP BY status ORDER BY status`);
  const total = statuses.reduce((sum, s) => sum + Number(s.n), 0);
  const succeeded = Number(statuses.find((s) => s.status === 'succeeded')?.n ?? 0);
  if (total !== expected || succeeded !== expected) {
    ok = false;
    console.error(`CHECK FAILED: expected ${expected} succeeded generations, found ${statuses.map((s) => `${s.n} ${s.status}`).join(', ')}`);
  }
  const perUser: { user_id: string; n: string }[] = await db.query(`SELECT user_id, count(*) AS n FROM generations GROUP BY user_id`);
  const counts = new Map(perUser.map((r) => [r.user_id, Number(r.n)]));
  let wrongBalances = 0;
  for (const userId of userIds) {
    const balance = await ledger.balance(userId);
    if (balance.reserved !== 0 || balance.balance !== CREDITS_PER_USER - PRICE * (counts.get(userId) ?? 0)) wrongBalances++;
  }
  if (wrongBalances > 0) {
    ok = false;
    console.error(`CHECK FAILED: ${wrongBalances} of ${userIds.length} users were not charged exactly ${PRICE} credits per generation`);
  }
  const violation = await verifyLedger(db);
  if (violation) {
    ok = false;
    console.error(`CHECK FAILED: ledger ${violation.check}: ${JSON.stringify(violation.detail)}`);
  }
  console.log(
    ok
      ? `\nchecks: ${expected}/${expected} generations succeeded; each of ${userIds.length} users charged ${PRICE} credits per generation, nothing held; ledger sums to zero`
      : '\nchecks FAILED',
  );
  return ok;
}

function report(steady: PhaseResult, burst: PhaseResult): void {
  const pickup = (t: Timing) => t.started - t.created;
  const rows: [string, (t: Timing) => number | undefined][] = [
    ['pickup: created_at → started_at', pickup],
    ['  created_at → job added', (t) => (t.enqueued === undefined ? undefined : t.enqueued - t.created)],
    ['  job added → job taken', (t) => (t.enqueued === undefined || t.taken === undefined ? undefined : t.taken - t.enqueued)],
    ['  job taken → started_at', (t) => (t.taken === undefined ? undefined : t.started - t.taken)],
    ['submit() called → started_at', (t) => t.started - t.called],
    ['run: started_at → finished_at', (t) => t.finished - t.started],
    ['end to end: created_at → finished_at', (t) => t.finished - t.created],
  ];
  const lines: string[][] = [['ms', 'phase', 'p50', 'p99', 'max']];
  for (const phase of [steady, burst]) {
    for (const [label, of] of rows) {
      const values = phase.timings.map(of).filter((v): v is number => v !== undefined && Number.isFinite(v));
      lines.push([label, phase.name, ...summary(values)]);
    }
    lines.push(['submit() call, as the caller sees it', phase.name, ...summary(phase.calls)]);
  }

  const span = (p: PhaseResult) => (Math.max(...p.timings.map((t) => t.finished)) - Math.min(...p.timings.map((t) => t.created))) / 1000;
  const perJob = (ms: number | undefined, n: number) => (ms === undefined ? 'n/a' : `${(ms / n).toFixed(1)} ms`);
  console.log(
    `\ngenerations bench, ${new Date().toISOString()}, ${MODEL} ${OPTIONS.size}, worker ${WORKER_MODE}, ${cpus().length} × ${cpus()[0]?.model.trim()}`,
  );
  console.log(`\nlatency phase: ${steady.timings.length} submissions at ${STEADY_RATE}/s (offered), sent in ${steady.submitSeconds.toFixed(1)} s`);
  console.log(`throughput phase: ${burst.timings.length} submissions, ${BURST_CONCURRENCY} at a time\n`);
  console.log(table(lines));
  const burstSpan = span(burst);
  const steadySpan = span(steady);
  const percent = (share: number | undefined) => (share === undefined ? 'n/a' : `${(share * 100).toFixed(0)} %`);
  console.log(
    table([
      ['rates and CPU', 'latency', 'throughput'],
      ['submit() calls per second', (steady.timings.length / steady.submitSeconds).toFixed(1), (burst.timings.length / burst.submitSeconds).toFixed(1)],
      ['jobs per second (first created_at → last finished_at)', (steady.timings.length / steadySpan).toFixed(1), (burst.timings.length / burstSpan).toFixed(1)],
      ['span (first created_at → last finished_at)', `${steadySpan.toFixed(2)} s`, `${burstSpan.toFixed(2)} s`],
      ['worker process CPU per job', perJob(steady.workerCpuMs, steady.timings.length), perJob(burst.workerCpuMs, burst.timings.length)],
      [
        `bench process CPU per job (public-api${WORKER_MODE === 'inline' ? ' + worker' : ''})`,
        perJob(steady.benchCpuMs, steady.timings.length),
        perJob(burst.benchCpuMs, burst.timings.length),
      ],
      [
        'PostgreSQL CPU per job (all its local processes)',
        perJob(steady.serverCpuMs?.postgres, steady.timings.length),
        perJob(burst.serverCpuMs?.postgres, burst.timings.length),
      ],
      [
        'Redis CPU per job',
        perJob(steady.serverCpuMs?.['redis-server'], steady.timings.length),
        perJob(burst.serverCpuMs?.['redis-server'], burst.timings.length),
      ],
      ['machine CPU busy (all cores, all processes)', percent(steady.machineBusy), percent(burst.machineBusy)],
      ['PostgreSQL backends running, on average', steady.backends.running.toFixed(2), burst.backends.running.toFixed(2)],
      ['  waiting on a row lock', steady.backends.lockWait.toFixed(2), burst.backends.lockWait.toFixed(2)],
      ['  waiting on WAL / I/O', steady.backends.ioWait.toFixed(2), burst.backends.ioWait.toFixed(2)],
      ['  idle in transaction (waiting for the app)', steady.backends.idleInTransaction.toFixed(2), burst.backends.idleInTransaction.toFixed(2)],
    ]),
  );
  for (const p of [steady, burst]) {
    const top = p.backends.topLockWait;
    if (top) console.log(`${p.name}: ${(top.share * 100).toFixed(0)} % of lock waits on: ${top.query}…`);
  }
}

/** p50, p99, max by nearest rank. */
function summary(values: number[]): string[] {
  if (values.length === 0) return ['n/a', 'n/a', 'n/a'];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return [at(0.5), at(0.99), sorted[sorted.length - 1]].map((v) => v.toFixed(1));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => '| ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.slice(1).map(line)].join(
    '\n',
  );
}

/** Busy and total jiffies of all CPUs together, from /proc/stat (Linux only). */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return undefined;
  }
}

function busyShare(before: ReturnType<typeof machineCpu>, after: ReturnType<typeof machineCpu>): number | undefined {
  if (!before || !after || after.total === before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}

const SERVERS = ['postgres', 'redis-server'];
/** Assumed USER_HZ of /proc/<pid>/stat; 100 on every common Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU ms used so far by each process of the local PostgreSQL and Redis, keyed by pid. */
function serverCpu(): Map<string, { name: string; ms: number }> | undefined {
  const found = new Map<string, { name: string; ms: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!SERVERS.includes(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
      found.set(pid, { name, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return found;
}

/** Per server, the CPU its processes used between the two readings; processes that ended are lost. */
function serverCpuDelta(before: ReturnType<typeof serverCpu>, after: ReturnType<typeof serverCpu>): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  const totals: Record<string, number> = {};
  for (const [pid, now] of after) totals[now.name] = (totals[now.name] ?? 0) + now.ms - (before.get(pid)?.ms ?? 0);
  return SERVERS.every((name) => totals[name] === undefined) ? undefined : totals;
}

/** The figures are only worth something on an otherwise idle machine: say so when it is not. */
async function warnIfBusy(): Promise<void> {
  const before = machineCpu();
  await sleep(1000);
  const busy = busyShare(before, machineCpu());
  if (busy === undefined) return;
  if (busy > 0.2) log(`WARNING: the machine was ${(busy * 100).toFixed(0)} % busy before the bench started; the figures will be low`);
  else log(`machine ${(busy * 100).toFixed(0)} % busy before the bench started`);
}

function log(line: string): void {
  console.log(`bench: ${line}`);
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

void main();
