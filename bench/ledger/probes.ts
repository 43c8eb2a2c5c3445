import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { LedgerService, SYSTEM_ACCOUNTS } from '@genbot/ledger';
import {
  POOL_SIZE,
  Pgbench,
  Run,
  SECONDS,
  Target,
  USERS,
  USER_ID_SQL,
  userId,
  benchTarget,
  checkInvariant,
  createLedger,
  createUsers,
  describeInvariant,
  describeSetup,
  findPgbench,
  fund,
  measure,
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
 * Why transfers fall short of pgbench: the same spend (1 credit, user → generation_spend) done
 * several ways, to split the cost between the hot system row, the round trips made while that row
 * is locked, and the Node/TypeORM client. Not part of `npm run bench:ledger`; run it by hand:
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/ledger/probes.ts
 *
 * The raw SQL variants here are experiments, not a proposal to bypass LedgerService.
 */

const CONCURRENCY = [1, 8, 32];
const SPEND = SYSTEM_ACCOUNTS.generation_spend;
const SHARDS = 16;
const shardId = (s: number) => `00000000-0000-4000-8000-0000000001${String(s).padStart(2, '0')}`;

/** LedgerRepository.create's statements as of f01a4ce (ordered locking), verbatim, in one explicit transaction: 4 round trips. */
const INSERT_SQL = `INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, timeout_at, kind, reference, meta)
  VALUES ($1, $2, $3, $4, $5::varchar, CASE WHEN $5::varchar = 'pending' THEN now() + make_interval(secs => $6::double precision) END, $7, $8, $9)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id, idempotency_key, debit_account_id, credit_account_id, amount, phase, pending_id, timeout_at, kind, reference, meta, created_at`;
const UPDATE_SQL = `WITH locked AS (
    SELECT id FROM ledger_accounts WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE
  )
  UPDATE ledger_accounts a SET
    debits_pending = a.debits_pending + CASE WHEN a.id = $1 THEN $3::bigint ELSE 0 END,
    debits_posted = a.debits_posted + CASE WHEN a.id = $1 THEN $4::bigint ELSE 0 END,
    credits_pending = a.credits_pending + CASE WHEN a.id = $2 THEN $3::bigint ELSE 0 END,
    credits_posted = a.credits_posted + CASE WHEN a.id = $2 THEN $4::bigint ELSE 0 END
  FROM locked WHERE a.id = locked.id
  RETURNING a.id`;

/**
 * The same transfer as one statement in an implicit transaction: one round trip, and the accounts'
 * rows stay locked only while the server runs it and flushes the commit. The CHECK still aborts
 * the whole statement, transfer row included; a key conflict inserts nothing and moves nothing.
 * `locked` takes the row locks in id order (ORDER BY runs before FOR NO KEY UPDATE): a bare
 * `UPDATE … WHERE id IN (…)` locks in whatever order its plan visits the heap.
 */
const ONE_STATEMENT_SQL = (key: string, debit: string, credit: string, amount: string) => `WITH t AS (
    INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, kind, meta)
    VALUES (${key}, ${debit}, ${credit}, ${amount}, 'single', 'charge', '{}')
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, debit_account_id, credit_account_id, amount
  ), locked AS MATERIALIZED (
    SELECT a.id FROM ledger_accounts a JOIN t ON a.id IN (t.debit_account_id, t.credit_account_id)
    ORDER BY a.id FOR NO KEY UPDATE OF a
  ), moved AS (
    UPDATE ledger_accounts a SET
      debits_posted = a.debits_posted + CASE WHEN a.id = t.debit_account_id THEN t.amount ELSE 0 END,
      credits_posted = a.credits_posted + CASE WHEN a.id = t.credit_account_id THEN t.amount ELSE 0 END
    FROM t, locked WHERE a.id = locked.id
    RETURNING a.id
  )
  SELECT t.id, (SELECT count(*) FROM moved) AS moved FROM t`;

/**
 * What the bench's backends are doing while `run` goes, sampled from pg_stat_activity every 25 ms:
 * "idle in transaction ClientRead" is a transaction waiting on its client while holding its locks,
 * "active Lock:transactionid" / "Lock:tuple" are backends queued behind a row lock.
 */
async function sampleWaits<T>({ url, database }: Target, enabled: boolean, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const client = new Client({ connectionString: withDatabase(url, 'postgres'), statement_timeout: 5000 });
  await client.connect();
  const counts = new Map<string, number>();
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const { rows } = await client.query<{ what: string }>(
        `SELECT state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'running') AS what FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle' AND datname LIKE $1`,
        [`${database}%`],
      );
      for (const { what } of rows) counts.set(what, (counts.get(what) ?? 0) + 1);
      await sleep(25);
    }
  })();
  try {
    return await run();
  } finally {
    stop = true;
    await loop;
    await client.end();
    const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    process.stdout.write(`    busy backends: ${top.map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)} %`).join(', ')}\n`);
  }
}

interface Probe {
  name: string;
  runs: Map<number, number>;
  latency: Map<number, string>;
  /** Failed operations over all its runs: a deadlock, if any, shows up here. */
  errors: number;
}

const FK_DROP = `ALTER TABLE ledger_transfers DROP CONSTRAINT ledger_transfers_debit_account_id_fkey, DROP CONSTRAINT ledger_transfers_credit_account_id_fkey`;
const FK_ADD = `ALTER TABLE ledger_transfers
  ADD CONSTRAINT ledger_transfers_debit_account_id_fkey FOREIGN KEY (debit_account_id) REFERENCES ledger_accounts (id) NOT VALID,
  ADD CONSTRAINT ledger_transfers_credit_account_id_fkey FOREIGN KEY (credit_account_id) REFERENCES ledger_accounts (id) NOT VALID`;

type Letter = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'P';
type Script = 'F' | 'G' | 'H' | 'J';

const NAMES: Record<Letter, string> = {
  A: 'A service: user → generation_spend',
  B: 'B service: user → user (no hot row)',
  C: 'C raw pg, ledger SQL, 4 round trips: user → generation_spend',
  D: 'D raw pg, 1 statement: user → generation_spend',
  E: `E raw pg, 1 statement: user → ${SHARDS} spend shards`,
  F: 'F pgbench, ledger SQL, 4 statements: user → generation_spend',
  G: 'G pgbench, 1 statement: user → generation_spend',
  H: `H pgbench, 1 statement: user → ${SHARDS} spend shards`,
  I: 'I raw pg, ledger SQL, 4 round trips, UPDATE before INSERT: user → generation_spend',
  J: 'J pgbench, ledger SQL, 4 statements, UPDATE before INSERT: user → generation_spend',
  P: 'P pgbench tpcb-like (yardstick)',
};

/** pgbench scripts for F, G and H: the same SQL as C, D and E, a random user per transaction. */
function pgbenchScripts(): Record<Script, string> {
  const user = USER_ID_SQL(':u');
  const spend = `'${SPEND}'::uuid`;
  const pickUser = `\\set u random(1, ${USERS})`;
  const flat = (sql: string) => sql.replace(/\s+/g, ' ');
  const insert = flat(INSERT_SQL)
    .replace('$1', 'gen_random_uuid()::text')
    .replace('$2', user)
    .replace('$3', spend)
    .replace('$4', '1')
    .replace(/\$5/g, `'single'`)
    .replace('$6', '0')
    .replace('$7', `'charge'`)
    .replace('$8', 'NULL')
    .replace('$9', `'{}'`);
  const update = flat(UPDATE_SQL).replace(/\$1/g, user).replace(/\$2/g, spend).replace(/\$3/g, '0').replace(/\$4/g, '1');
  return {
    F: [pickUser, 'BEGIN;', `${insert};`, `${update};`, 'END;'].join('\n'),
    J: [pickUser, 'BEGIN;', `${update};`, `${insert};`, 'END;'].join('\n'),
    G: [pickUser, `${flat(ONE_STATEMENT_SQL('gen_random_uuid()::text', user, spend, '1'))};`].join('\n'),
    H: [
      pickUser,
      `\\set s random(1, ${SHARDS})`,
      `${flat(ONE_STATEMENT_SQL('gen_random_uuid()::text', user, `('00000000-0000-4000-8000-0000000001' || lpad(:s::text, 2, '0'))::uuid`, '1'))};`,
    ].join('\n'),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const target = benchTarget();
  const pgbenchVersion = await findPgbench();
  process.stdout.write(`${await describeSetup(target, pgbenchVersion)}\n${USERS} users, ${SECONDS} s per run, clients ${CONCURRENCY.join(', ')}\n\nsetup\n`);
  await prepareDatabase(target);
  const probes: Probe[] = [];
  const record = (name: string, clients: number, value: number, latency = 'n/a', errors = 0) => {
    let probe = probes.find((p) => p.name === name);
    if (!probe) probes.push((probe = { name, runs: new Map(), latency: new Map(), errors: 0 }));
    probe.runs.set(clients, value);
    probe.latency.set(clients, latency);
    probe.errors += errors;
  };

  const userIds = Array.from({ length: USERS }, (_, i) => userId(i + 1));
  const randomUser = () => userIds[Math.floor(Math.random() * userIds.length)];
  const setup = await createLedger(target);
  try {
    const db = setup.get(DataSource);
    await createUsers(db);
    await db.query(`INSERT INTO ledger_accounts (id, code, debits_must_not_exceed_credits) SELECT s, 'generation_spend', false FROM unnest($1::uuid[]) AS s`, [
      Array.from({ length: SHARDS }, (_, i) => shardId(i + 1)),
    ]);
    await warmPool(db, 32);
    await fund(setup.get(LedgerService), userIds);
  } finally {
    await setup.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'genbot-bench-'));
  const scripts = Object.fromEntries(
    Object.entries(pgbenchScripts()).map(([letter, text]) => {
      const file = join(dir, `probe-${letter}.sql`);
      writeFileSync(file, `${text}\n`);
      return [letter, file];
    }),
  ) as Record<Script, string>;
  const pgDatabase = `${target.database}_pgbench`;
  const admin = withDatabase(target.url, 'postgres');
  const pgbench = new Pgbench(target.url);

  /**
   * One pass over `letters` at one concurrency; each kind of client is opened and closed in turn,
   * and each run starts on freshly vacuumed ledger tables, as autovacuum would leave them.
   */
  const pass = async (clients: number, letters: Letter[], prefix = '') => {
    const label = (letter: Letter) => `${prefix}${NAMES[letter]}`;
    const sampled = <T>(run: () => Promise<T>) => sampleWaits(target, clients === 32, run);
    const keep = (letter: Letter, run: Run) => record(label(letter), clients, rate(run), pct(run, 0.5), run.errors);
    const service = letters.filter((l) => l === 'A' || l === 'B');
    if (service.length) {
      const moduleRef = await createLedger(target);
      try {
        const ledger = moduleRef.get(LedgerService);
        const db = moduleRef.get(DataSource);
        const warm = async () => {
          await vacuumLedger(target);
          await warmPool(db, clients);
        };
        const ops = {
          A: (tag: string) => async (c: number, s: number) => {
            await ledger.transfer({
              idempotencyKey: `${tag}:${c}:${s}`,
              from: { userId: randomUser() },
              to: { system: 'generation_spend' },
              amount: 1,
              kind: 'charge',
            });
          },
          B: (tag: string) => async (c: number, s: number) => {
            const from = randomUser();
            let to = randomUser();
            while (to === from) to = randomUser();
            await ledger.transfer({ idempotencyKey: `${tag}:${c}:${s}`, from: { userId: from }, to: { userId: to }, amount: 1, kind: 'charge' });
          },
        };
        for (const letter of service as ('A' | 'B')[]) keep(letter, await sampled(() => measure(label(letter), clients, ops[letter], warm)));
      } finally {
        await moduleRef.close();
      }
    }
    const raw = letters.filter((l) => l === 'C' || l === 'D' || l === 'E' || l === 'I') as ('C' | 'D' | 'E' | 'I')[];
    if (raw.length) {
      const pool = new Pool({ connectionString: target.url.toString(), max: POOL_SIZE, statement_timeout: 15_000 });
      try {
        // updateFirst: the accounts are locked before the INSERT, whose FK checks then find the rows
        // already locked by this transaction instead of adding KEY SHARE lockers beside an updater.
        const fourTrips = async (key: string, debit: string, credit: string, updateFirst = false) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const insert = async () => {
              const inserted = await client.query(INSERT_SQL, [key, debit, credit, 1, 'single', 0, 'charge', null, {}]);
              if (inserted.rowCount !== 1) throw new Error('key conflict');
            };
            const move = async () => {
              const moved = await client.query(UPDATE_SQL, [debit, credit, 0, 1]);
              if (moved.rowCount !== 2) throw new Error('account missing');
            };
            if (updateFirst) {
              await move();
              await insert();
            } else {
              await insert();
              await move();
            }
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        };
        const oneTrip = async (key: string, debit: string, credit: string) => {
          const result = await pool.query(ONE_STATEMENT_SQL('$1', '$2::uuid', '$3::uuid', '$4::bigint'), [key, debit, credit, 1]);
          if (result.rowCount !== 1 || Number(result.rows[0].moved) !== 2) throw new Error('transfer not applied');
        };
        const ops = {
          C: (tag: string) => (c: number, s: number) => fourTrips(`${tag}:${c}:${s}`, randomUser(), SPEND),
          D: (tag: string) => (c: number, s: number) => oneTrip(`${tag}:${c}:${s}`, randomUser(), SPEND),
          E: (tag: string) => (c: number, s: number) => oneTrip(`${tag}:${c}:${s}`, randomUser(), shardId(1 + Math.floor(Math.random() * SHARDS))),
          I: (tag: string) => (c: number, s: number) => fourTrips(`${tag}:${c}:${s}`, randomUser(), SPEND, true),
        };
        const warm = async () => {
          await vacuumLedger(target);
          await warmPool(pool, clients);
        };
        for (const letter of raw) keep(letter, await sampled(() => measure(label(letter), clients, ops[letter], warm)));
      } finally {
        await pool.end();
      }
    }
    if (!pgbenchVersion) return;
    for (const letter of letters.filter((l) => l === 'P' || l === 'F' || l === 'G' || l === 'H' || l === 'J')) {
      await vacuumLedger(target);
      const { tps, failed } =
        letter === 'P'
          ? await sampled(() => pgbench.tps(pgDatabase, clients, ['-b', 'tpcb-like'], label(letter)))
          : await sampled(() => pgbench.tps(target.database, clients, ['-f', scripts[letter as Script]], label(letter)));
      record(label(letter), clients, tps, 'n/a', failed);
    }
  };

  try {
    if (pgbenchVersion) {
      await withClient(admin, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(pgDatabase)}`);
        await client.query(`CREATE DATABASE ${quoteIdent(pgDatabase)}`);
      });
      await pgbench.init(pgDatabase);
    }
    // Every variant at one concurrency runs back to back, so drift on a shared machine hits them alike.
    for (const clients of CONCURRENCY) {
      process.stdout.write(`c=${clients}\n`);
      await pass(clients, ['A', 'B', 'C', 'I', 'D', 'E', 'P', 'F', 'J', 'G', 'H']);
    }
    // Every transfer's FK checks take FOR KEY SHARE on both accounts, so on the hot row they pile
    // up in MultiXacts next to the updaters; pgbench's tables have no FKs. A-B-A on the same data:
    // with FKs (above), without, with them again (NOT VALID: the rows were already checked).
    for (const clients of [8, 32]) {
      process.stdout.write(`c=${clients}, FKs dropped then restored\n`);
      await withClient(target.url.toString(), (client) => client.query(FK_DROP));
      await pass(clients, ['A', 'F', 'G'], 'no FKs: ');
      await withClient(target.url.toString(), (client) => client.query(FK_ADD));
      await pass(clients, ['A', 'F', 'G'], 'FKs again: ');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (pgbenchVersion) await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(pgDatabase)} WITH (FORCE)`));
  }

  const yardstick = probes.find((p) => p.name === NAMES.P);
  process.stdout.write(
    `\n${table(
      [
        'probe',
        ...CONCURRENCY.map((c) => `c=${c} ops/s`),
        ...(yardstick ? CONCURRENCY.map((c) => `c=${c} vs tpcb-like`) : []),
        ...CONCURRENCY.map((c) => `c=${c} p50 ms`),
        'errors',
      ],
      probes.map((p) => [
        p.name,
        ...CONCURRENCY.map((c) => (p.runs.has(c) ? p.runs.get(c)!.toFixed(0) : '')),
        ...(yardstick ? CONCURRENCY.map((c) => (p.runs.has(c) ? `${((100 * p.runs.get(c)!) / yardstick.runs.get(c)!).toFixed(0)} %` : '')) : []),
        ...CONCURRENCY.map((c) => p.latency.get(c) ?? ''),
        p.errors,
      ]),
    )}\n\n`,
  );
  const invariant = await checkInvariant(target);
  process.stdout.write(`${describeInvariant(invariant)}\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exitCode = invariant.sound ? 0 : 1;
}

// 45 runs, each SECONDS plus VACUUM, warm-up and connecting, and setup: far below this unless something hangs.
startWatchdog(120_000 + 45 * (SECONDS + 5) * 1000);
runMain(main);
