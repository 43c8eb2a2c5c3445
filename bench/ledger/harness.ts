import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Test, TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, CoreModule } from '@genbot/core';
import { LedgerModule, LedgerService, verifyLedger } from '@genbot/ledger';
import { freshDatabase } from '@genbot/testing';

/** What `run.ts` and `probes.ts` share: the target database, the clients' loop, pgbench, checks. */

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Concurrent clients per run, in the order run; `BENCH_CLIENTS=32,8,1` puts the hardest first. */
export const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,8,32').split(',').map((n) => Number(n.trim()));
export const WARMUP_SECONDS = 0.5;
export const POOL_SIZE = 40;
export const USERS = 1000;
/** Enough that no user runs dry: every op moves 1 credit. */
export const FUNDING = 10_000_000;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface Target {
  url: URL;
  database: string;
}

export interface Run {
  ops: number;
  errors: number;
  seconds: number;
  latencies: number[];
  errorsByMessage: Map<string, number>;
}

/** The bench drops a schema: only a database named for it, only on this machine. */
export function benchTarget(): Target {
  const url = new URL(DATABASE_URL);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database.includes('bench')) throw new Error(`Refusing to use database "${database}": its name must contain "bench" (set BENCH_DATABASE_URL)`);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`Refusing host "${url.hostname}": the bench runs on loopback only`);
  if (!Number.isFinite(SECONDS) || SECONDS < 1 || SECONDS > 30) throw new Error(`BENCH_SECONDS must be between 1 and 30 (got ${process.env.BENCH_SECONDS})`);
  if (!CLIENTS.length || CLIENTS.length > 6 || CLIENTS.some((n) => !Number.isInteger(n) || n < 1 || n > 32)) {
    throw new Error(`BENCH_CLIENTS must list 1 to 6 client counts between 1 and 32 (got ${process.env.BENCH_CLIENTS})`);
  }
  return { url, database };
}

export function withDatabase(url: URL, database: string): string {
  return Object.assign(new URL(url.toString()), { pathname: `/${encodeURIComponent(database)}` }).toString();
}

export async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, statement_timeout: 60_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * What autovacuum would have done by now on a normal server: without it the hot system row's dead
 * versions pile up run after run and each later run is slower than the one before. pgbench's own
 * tables start fresh from `pgbench -i`, which vacuums them.
 */
export async function vacuumLedger({ url }: Target): Promise<void> {
  await withClient(url.toString(), (client) => client.query('VACUUM (ANALYZE) ledger_accounts, ledger_transfers'));
}

/** One line per fact that decides the figures: machine, server settings, pgbench. */
export async function describeSetup({ url, database }: Target, pgbench: string | undefined): Promise<string> {
  const server = await withClient(withDatabase(url, 'postgres'), async (client) => {
    const show = async (name: string) => ((await client.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
    const settings = ['shared_buffers', 'synchronous_commit', 'fsync', 'commit_delay', 'autovacuum', 'max_connections'];
    const values: string[] = [];
    for (const name of settings) values.push(`${name} ${await show(name)}`);
    return `PostgreSQL ${await show('server_version')} (${values.join(', ')})`;
  });
  return [
    `date ${new Date().toISOString()}`,
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown cpu'}`,
    `${server} at ${url.hostname}:${url.port || '5432'}, database ${database}`,
    pgbench ?? 'pgbench: not found on PATH',
  ].join('\n');
}

/** Creates the database if missing and rebuilds its public schema with the real migrations. */
export function prepareDatabase({ url }: Target): Promise<void> {
  return freshDatabase(url.toString(), 'bench', 'BENCH_DATABASE_URL');
}

/** The ledger as the worker gets it: CoreModule (TypeORM pool of 40, Redis) and LedgerModule. */
export async function createLedger({ url }: Target): Promise<TestingModule> {
  // statement_timeout bounds every query the pool sends, so a lock pile-up fails instead of hanging.
  const bounded = new URL(url.toString());
  bounded.searchParams.set('options', '-c statement_timeout=15000');
  const config = AppConfig.load(
    { DATABASE_URL: bounded.toString(), REDIS_URL, DATABASE_POOL_SIZE: String(POOL_SIZE), LOG_LEVEL: 'error', NODE_ENV: 'test' },
    { readDotenv: false, source: {} },
  );
  const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(config, 'worker'), LedgerModule] }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

/**
 * User `i` (1..USERS) gets the id `userId(i)`, so pgbench scripts can name a random user without a
 * lookup. The trigger creates each user's credits account in the same statement.
 */
export function userId(i: number): string {
  return `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;
}
export const USER_ID_SQL = (i: string) => `('00000000-0000-4000-9000-' || lpad((${i})::text, 12, '0'))::uuid`;

export async function createUsers(db: DataSource): Promise<string[]> {
  await db.query(
    `INSERT INTO users (id, telegram_id, referral_code)
     SELECT ${USER_ID_SQL('i')}, 9000000000 + i, 'b' || lpad(i::text, 7, '0') FROM generate_series(1, $1::int) AS i`,
    [USERS],
  );
  return Array.from({ length: USERS }, (_, i) => userId(i + 1));
}

/** Funds every user through the service, so the starting balances went through the same code. */
export async function fund(ledger: LedgerService, userIds: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < userIds.length) {
        const id = userIds[next++];
        await ledger.transfer({ idempotencyKey: `bench:fund:${id}`, from: { system: 'promotions' }, to: { userId: id }, amount: FUNDING, kind: 'promo' });
      }
    }),
  );
}

/** Opens `n` pool connections up front so no measured run pays for connecting. */
export async function warmPool(db: Pick<DataSource, 'query'>, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => db.query('SELECT pg_sleep(0.02)')));
}

/** `clients` loops in this process, each running `op` back to back until the deadline. */
export async function drive(clients: number, seconds: number, op: (client: number, seq: number) => Promise<void>): Promise<Run> {
  const run: Run = { ops: 0, errors: 0, seconds: 0, latencies: [], errorsByMessage: new Map() };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let seq = 0; performance.now() < deadline; seq++) {
        const t0 = performance.now();
        try {
          await op(client, seq);
          run.ops++;
          run.latencies.push(performance.now() - t0);
        } catch (error) {
          run.errors++;
          const message = error instanceof Error ? error.message : String(error);
          run.errorsByMessage.set(message, (run.errorsByMessage.get(message) ?? 0) + 1);
        }
      }
    }),
  );
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

let runs = 0;

/** Deadlocks come from the ledger itself, not from the bench: see "Deadlocks" in README.md. */
const DEADLOCK_NOTE = ' (see "Deadlocks" in bench/ledger/README.md)';

/** A warm-up that is thrown away, then the measured run, reported on one line. `op` gets a tag no other run uses. */
export async function measure(
  label: string,
  clients: number,
  op: (tag: string) => (client: number, seq: number) => Promise<void>,
  warm?: () => Promise<void>,
): Promise<Run> {
  if (warm) await warm();
  const tag = `${label}:${clients}:${++runs}`;
  await drive(clients, WARMUP_SECONDS, op(`${tag}:warm`));
  const run = await drive(clients, SECONDS, op(tag));
  process.stdout.write(
    `  ${label} c=${clients}: ${run.ops} ops in ${run.seconds.toFixed(2)} s = ${rate(run).toFixed(0)}/s, p50 ${pct(run, 0.5)} ms, p99 ${pct(run, 0.99)} ms, errors ${run.errors}\n`,
  );
  for (const [message, n] of run.errorsByMessage) process.stdout.write(`    ${n} x ${message}${message.includes('deadlock') ? DEADLOCK_NOTE : ''}\n`);
  return run;
}

export const rate = (run: Run) => run.ops / run.seconds;

/** Several runs of one workload as one: ops over the time they took together, every latency, every error. */
export function mergeRuns(runs: Run[]): Run {
  const merged: Run = { ops: 0, errors: 0, seconds: 0, latencies: [], errorsByMessage: new Map() };
  for (const run of runs) {
    merged.ops += run.ops;
    merged.errors += run.errors;
    merged.seconds += run.seconds;
    merged.latencies.push(...run.latencies);
    for (const [message, n] of run.errorsByMessage) merged.errorsByMessage.set(message, (merged.errorsByMessage.get(message) ?? 0) + n);
  }
  return merged;
}

export function pct(run: Run, p: number): string {
  if (run.latencies.length === 0) return 'n/a';
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
}

export function table(header: string[], lines: (string | number)[][]): string {
  const out = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const line of lines) out.push(`| ${line.join(' | ')} |`);
  return out.join('\n');
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

/** pgbench's version line, or undefined when it is not on PATH. */
export async function findPgbench(): Promise<string | undefined> {
  try {
    return (await exec('pgbench', ['--version'], process.env, 10_000)).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/** Runs pgbench against `database` on the bench's server; `workload` is `-b <builtin>` or `-f <file>`. */
export class Pgbench {
  private readonly connection: string[];
  private readonly env: NodeJS.ProcessEnv;

  constructor(url: URL) {
    this.connection = ['-h', url.hostname.replace(/^\[|\]$/g, ''), '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
    this.env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password), PGAPPNAME: 'genbot-bench' };
  }

  async init(database: string): Promise<void> {
    await exec('pgbench', ['-i', '-s', '1', '-q', ...this.connection, database], this.env, 120_000);
  }

  /** tps without connection time, and transactions that failed (pgbench counts deadlocks as failures, not aborts). */
  async tps(database: string, clients: number, workload: string[], label: string): Promise<{ tps: number; failed: number }> {
    const threads = Math.min(clients, 2);
    const args = ['-c', String(clients), '-j', String(threads), '-T', String(SECONDS), ...workload, '-n', ...this.connection, database];
    const out = await exec('pgbench', args, this.env, (SECONDS + 60) * 1000);
    const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    if (!match) throw new Error(`no tps in pgbench's output:\n${out}`);
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
    const latency = /latency average = ([\d.]+) ms/.exec(out);
    process.stdout.write(
      `  ${label} c=${clients} j=${threads}: ${Number(match[1]).toFixed(0)} tps, mean latency ${latency?.[1] ?? '?'} ms, failed ${failed}\n`,
    );
    return { tps: Number(match[1]), failed };
  }
}

export interface InvariantReport {
  sum: number;
  pendingSum: number;
  overdrawn: number;
  transfers: number;
  verifier?: string;
  sound: boolean;
}

/** The ledger's two core invariants asked directly, then the lib's full verifier over every row. */
export async function checkInvariant({ url }: Target): Promise<InvariantReport> {
  return withClient(url.toString(), async (client) => {
    const one = async <T>(sql: string) => (await client.query(sql)).rows[0] as T;
    const sums = await one<{ posted: string; pending: string }>(
      `SELECT coalesce(sum(credits_posted - debits_posted), 0) AS posted, coalesce(sum(credits_pending - debits_pending), 0) AS pending FROM ledger_accounts`,
    );
    const overdrawn = await one<{ n: string }>(
      `SELECT count(*) AS n FROM ledger_accounts WHERE user_id IS NOT NULL AND debits_posted + debits_pending > credits_posted`,
    );
    const transfers = await one<{ n: string }>(`SELECT count(*) AS n FROM ledger_transfers`);
    // verifyLedger wants TypeORM's query(), which returns the rows themselves.
    const violation = await verifyLedger({ query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as DataSource);
    const report = {
      sum: Number(sums.posted),
      pendingSum: Number(sums.pending),
      overdrawn: Number(overdrawn.n),
      transfers: Number(transfers.n),
      verifier: violation ? `${violation.check} ${JSON.stringify(violation.detail)}` : undefined,
    };
    return { ...report, sound: report.sum === 0 && report.pendingSum === 0 && report.overdrawn === 0 && !report.verifier };
  });
}

export function describeInvariant(report: InvariantReport): string {
  return (
    `invariant over ${report.transfers} transfers: sum(credits_posted - debits_posted) = ${report.sum} (pending ${report.pendingSum}), ` +
    `user accounts with debits_posted + debits_pending > credits_posted: ${report.overdrawn}, verifyLedger: ${report.verifier ?? 'sound'} → ${report.sound ? 'OK' : 'VIOLATED'}`
  );
}

/** Stops the process whatever happens, so a bench can never hang a CI job. */
export function startWatchdog(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`bench/ledger: still running after ${ms / 1000} s, giving up\n`);
    process.exit(2);
  }, ms).unref();
}

export function runMain(main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => {
      // Nothing should be left open; if a handle lingers anyway, do not wait on it.
      setTimeout(() => process.exit(), 2000).unref();
    });
}
