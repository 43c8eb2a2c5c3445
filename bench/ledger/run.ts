import { DataSource } from 'typeorm';
import { LedgerService } from '@genbot/ledger';
import {
  CLIENTS,
  FUNDING,
  POOL_SIZE,
  Pgbench,
  Run,
  SECONDS,
  Target,
  USERS,
  WARMUP_SECONDS,
  benchTarget,
  checkInvariant,
  createLedger,
  createUsers,
  describeInvariant,
  describeSetup,
  findPgbench,
  fund,
  measure,
  mergeRuns,
  pct,
  prepareDatabase,
  quoteIdent,
  rate,
  runMain,
  startWatchdog,
  table,
  vacuumLedger,
  warmPool,
  withClient,
  withDatabase,
} from './harness';

/**
 * LedgerService under load against a real PostgreSQL: transfers per second and reserve+capture
 * pairs per second at 1, 8 and 32 concurrent clients, and pgbench's tpcb-like on the same server
 * in the same run as the yardstick. Clients are async loops in this process sharing one pool, as
 * in the apps, so the figures include Nest, TypeORM and node-postgres, not just SQL.
 */

const CONCURRENCY = CLIENTS;
const TARGET = 0.5;
/**
 * Each concurrency is measured this many times, alternating which of ledger and pgbench goes first
 * (ABBA), and the rounds are pooled: on a shared 2-core VM consecutive 5 s runs differ by a third.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** `BENCH_VACUUM=0` skips the VACUUM before each measured run (see vacuumLedger). */
const VACUUM = process.env.BENCH_VACUUM !== '0';

interface Row {
  clients: number;
  transfers: Run;
  pairs: Run;
  pgbench?: number;
}

/** Users and their funding, through the service, in a context of their own. */
async function setUp(target: Target): Promise<string[]> {
  const moduleRef = await createLedger(target);
  try {
    const db = moduleRef.get(DataSource);
    const userIds = await createUsers(db);
    await warmPool(db, 32);
    await fund(moduleRef.get(LedgerService), userIds);
    return userIds;
  } finally {
    await moduleRef.close();
  }
}

/** Transfers, then reserve+capture pairs, at one concurrency, through a fresh ledger context. */
async function benchLedger(target: Target, clients: number, userIds: string[]): Promise<Pick<Row, 'transfers' | 'pairs'>> {
  const randomUser = () => userIds[Math.floor(Math.random() * userIds.length)];
  const moduleRef = await createLedger(target);
  try {
    const ledger = moduleRef.get(LedgerService);
    const db = moduleRef.get(DataSource);
    const warm = async () => {
      if (VACUUM) await vacuumLedger(target);
      await warmPool(db, clients);
    };
    const transfers = await measure(
      'transfer',
      clients,
      (tag) => async (client, seq) => {
        await ledger.transfer({
          idempotencyKey: `bench:${tag}:${client}:${seq}`,
          from: { userId: randomUser() },
          to: { system: 'generation_spend' },
          amount: 1,
          kind: 'charge',
        });
      },
      warm,
    );
    const pairs = await measure(
      'reserve+capture',
      clients,
      (tag) => async (client, seq) => {
        const { hold } = await ledger.reserve({ idempotencyKey: `bench:${tag}:${client}:${seq}`, userId: randomUser(), amount: 1 });
        await ledger.capture({ holdId: hold.id });
      },
      warm,
    );
    return { transfers, pairs };
  } finally {
    // Closed before pgbench runs: its 32 connections never sit beside the ledger's 40.
    await moduleRef.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const target = benchTarget();
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 4) throw new Error(`BENCH_ROUNDS must be 1 to 4 (got ${process.env.BENCH_ROUNDS})`);
  const pgbenchVersion = await findPgbench();
  process.stdout.write(
    `${await describeSetup(target, pgbenchVersion)}\n${USERS} users, pool ${POOL_SIZE}, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run, clients ${CONCURRENCY.join(', ')}, ${ROUNDS} round(s) pooled, ${VACUUM ? 'VACUUM (ANALYZE) of the ledger tables before each run' : 'no VACUUM between runs'}\n\n`,
  );

  process.stdout.write('setup: schema, migrations, users, funding\n');
  await prepareDatabase(target);
  const userIds = await setUp(target);
  process.stdout.write(`  ${userIds.length} users with ${FUNDING} credits each\n`);

  // tpcb-like at scale 1 in a database of its own on the same server, created and dropped here.
  const pgDatabase = `${target.database}_pgbench`;
  const admin = withDatabase(target.url, 'postgres');
  const pgbench = new Pgbench(target.url);
  const rows: Row[] = [];
  try {
    if (pgbenchVersion) {
      await withClient(admin, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(pgDatabase)}`);
        await client.query(`CREATE DATABASE ${quoteIdent(pgDatabase)}`);
      });
      await pgbench.init(pgDatabase);
    }
    // Ledger and pgbench back to back at each concurrency, so drift on a shared machine hits both alike.
    for (const clients of CONCURRENCY) {
      const ledgerRounds: Pick<Row, 'transfers' | 'pairs'>[] = [];
      const tpsRounds: number[] = [];
      const runPgbench = async () => {
        if (!pgbenchVersion) return;
        const { tps, failed } = await pgbench.tps(pgDatabase, clients, ['-b', 'tpcb-like'], 'pgbench tpcb-like');
        // tpcb-like never fails on a sound server; if it did, its tps would not be a yardstick.
        if (failed) throw new Error(`pgbench tpcb-like had ${failed} failed transactions at ${clients} clients`);
        tpsRounds.push(tps);
      };
      for (let round = 1; round <= ROUNDS; round++) {
        process.stdout.write(`c=${clients}, round ${round}\n`);
        if (round % 2 === 0) await runPgbench();
        ledgerRounds.push(await benchLedger(target, clients, userIds));
        if (round % 2 === 1) await runPgbench();
      }
      rows.push({
        clients,
        transfers: mergeRuns(ledgerRounds.map((r) => r.transfers)),
        pairs: mergeRuns(ledgerRounds.map((r) => r.pairs)),
        pgbench: tpsRounds.length ? tpsRounds.reduce((a, b) => a + b, 0) / tpsRounds.length : undefined,
      });
    }
  } finally {
    if (pgbenchVersion) await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(pgDatabase)} WITH (FORCE)`));
  }

  const fixed = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
  const percent = (a: number, b: number | undefined) => (b ? `${((100 * a) / b).toFixed(0)} %` : 'n/a');
  const header = ['clients', 'ledger transfers/s', 'reserve+capture pairs/s', 'pgbench tps', 'transfers/pgbench', 'pairs/pgbench'];
  const lines = rows.map((r) => {
    const cells = [r.clients, fixed(rate(r.transfers)), fixed(rate(r.pairs))];
    return pgbenchVersion ? [...cells, fixed(r.pgbench), percent(rate(r.transfers), r.pgbench), percent(rate(r.pairs), r.pgbench)] : cells;
  });
  process.stdout.write(`\n${table(pgbenchVersion ? header : header.slice(0, 3), lines)}\n\n`);
  process.stdout.write(
    `${table(
      ['clients', 'transfer p50 ms', 'transfer p99 ms', 'pair p50 ms', 'pair p99 ms', 'errors'],
      rows.map((r) => [r.clients, pct(r.transfers, 0.5), pct(r.transfers, 0.99), pct(r.pairs, 0.5), pct(r.pairs, 0.99), r.transfers.errors + r.pairs.errors]),
    )}\n\n`,
  );
  if (pgbenchVersion) {
    const verdict = (pick: (r: Row) => Run) => {
      const missed = rows.filter((r) => !r.pgbench || rate(pick(r)) < TARGET * r.pgbench).map((r) => r.clients);
      return missed.length ? `missed at ${missed.join(', ')} client(s)` : 'met at every concurrency';
    };
    process.stdout.write(
      `target ≥ ${TARGET * 100} % of pgbench tps: transfers ${verdict((r) => r.transfers)}; reserve+capture pairs ${verdict((r) => r.pairs)}\n`,
    );
  } else {
    process.stdout.write('pgbench is not on PATH: no yardstick, so no ratios (it ships with the PostgreSQL client packages)\n');
  }

  const invariant = await checkInvariant(target);
  process.stdout.write(`${describeInvariant(invariant)}\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const errors = rows.reduce((n, r) => n + r.transfers.errors + r.pairs.errors, 0);
  if (errors > 0) process.stderr.write(`${errors} operation(s) failed: the figures above are not valid\n`);
  if (!invariant.sound) process.stderr.write('the ledger invariant does not hold\n');
  process.exitCode = errors > 0 || !invariant.sound ? 1 : 0;
}

// Per round and concurrency two ledger runs and one pgbench run, plus setup: far below this unless something hangs.
startWatchdog(120_000 + CONCURRENCY.length * ROUNDS * 3 * (SECONDS + 5) * 1000);
runMain(main);
