import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@genbot/core';
import { GENERATION_SPEND_SHARDS, SYSTEM_ACCOUNTS } from '@genbot/ledger';
import { freshDatabase, signLoginWidget } from '@genbot/testing';
import { bootstrapAdminApi } from '../../apps/admin-api/src/bootstrap';

/**
 * Seed 002's admin dashboard and users search on a deployment-sized database: 100 000 users,
 * 1 000 000 ledger transfers, 200 000 generations and 20 000 payments over 90 days, seeded with
 * generate_series in a few seconds. Each endpoint is called through admin-api's HTTP stack one
 * request at a time with its Redis entry deleted first (so every figure is uncached), and the
 * EXPLAIN of each report query is printed. See bench/admin/README.md.
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/genbot_bench_admin';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
const BOT_TOKEN = '7000000002:bench-admin-token-aaaaaaaaaaaaaaaaaaaa';
const OWNER = 9_400_000_001;
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 1_000_000);
const GENERATIONS = Number(process.env.BENCH_GENERATIONS ?? 200_000);
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const FIRST_TELEGRAM_ID = 8_000_000_000;
const P95_BUDGET_MS = 200;

interface Target {
  name: string;
  path: string;
  /** The Redis entry deleted before each call, so none is answered from the cache. */
  cacheKey?: string;
}

const TARGETS: Target[] = [
  ...[1, 30, 90].map((days) => ({ name: `stats?days=${days}`, path: `/api/v1/admin/stats?days=${days}`, cacheKey: `stats:${days}` })),
  ...['users-daily', 'generations-daily', 'revenue-daily', 'models-breakdown'].map((chart) => ({
    name: `charts/${chart}?days=30`,
    path: `/api/v1/admin/charts/${chart}?days=30`,
    cacheKey: `${chart}:30`,
  })),
  { name: 'users (newest 50)', path: '/api/v1/admin/users?limit=50' },
  { name: 'users?query=<telegram id>', path: `/api/v1/admin/users?query=${FIRST_TELEGRAM_ID + 54_321}` },
  { name: 'users?query=<referral code>', path: `/api/v1/admin/users?query=bench${(54_321).toString(36)}` },
  { name: 'users?query=bench_user_5432 (11 match)', path: '/api/v1/admin/users?query=bench_user_5432' },
  { name: 'users?query=bench_user_1 (11 111 match)', path: '/api/v1/admin/users?query=bench_user_1' },
  { name: 'users?query=bench_user_1&offset=5000', path: '/api/v1/admin/users?query=bench_user_1&offset=5000&limit=200' },
  { name: 'generations?status=failed', path: '/api/v1/admin/generations?status=failed&limit=200' },
  { name: 'payments (newest 200)', path: '/api/v1/admin/payments?limit=200' },
  { name: 'models (with counts)', path: '/api/v1/admin/models' },
];

/** The report queries, as the repository sends them, for EXPLAIN (ANALYZE, BUFFERS). */
const EXPLAINED: [string, string][] = [
  [
    'stats: generations by status, 90 days',
    `SELECT status, count(*)::int AS count, coalesce(sum(price_credits) FILTER (WHERE NOT is_trial), 0) AS credits FROM generations WHERE created_at >= now() - interval '90 days' GROUP BY status`,
  ],
  [
    'stats: users total / new / active, 90 days',
    `SELECT u.total, u.new, (SELECT count(*)::int FROM (SELECT user_id FROM user_daily_activity WHERE day >= current_date - 89 GROUP BY user_id) a) AS active
     FROM (SELECT count(*)::int AS total, (count(*) FILTER (WHERE created_at >= now() - interval '90 days'))::int AS new FROM users) u`,
  ],
  [
    'charts: models-breakdown, 30 days',
    `SELECT m.slug, g.total FROM (SELECT model_id, count(*)::int AS total, (count(*) FILTER (WHERE status = 'succeeded'))::int AS completed,
       (count(*) FILTER (WHERE status = 'failed'))::int AS failed, coalesce(sum(price_credits) FILTER (WHERE status = 'succeeded'), 0) AS credits
       FROM generations WHERE created_at >= now() - interval '30 days' GROUP BY model_id) g JOIN models m ON m.id = g.model_id ORDER BY g.total DESC`,
  ],
  [
    'users search: prefix matching 11 111 users',
    `SELECT * FROM (SELECT * FROM users WHERE telegram_id = NULL::bigint UNION SELECT * FROM users WHERE referral_code = 'bench_user_1'
       UNION SELECT * FROM users WHERE lower(username) LIKE 'bench\\_user\\_1%' AND username IS NOT NULL) found ORDER BY created_at DESC, id LIMIT 51 OFFSET 0`,
  ],
];

function config(): AppConfig {
  return AppConfig.load(
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL,
      REDIS_URL,
      BOT_TOKEN,
      ADMIN_TELEGRAM_IDS: String(OWNER),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'genbot-bench-admin-')),
      JWT_SECRET: 'b'.repeat(40),
      FILE_URL_SECRET: 'f'.repeat(40),
      RATE_LIMIT_RPS: '100000',
      RATE_LIMIT_BURST: '100000',
      RATE_LIMIT_IP_RPS: '100000',
      RATE_LIMIT_IP_BURST: '100000',
    },
    { readDotenv: false, source: {} },
  );
}

/** All rows in set-based statements; a user's ledger account comes from the users trigger as in production. */
async function seed(db: DataSource): Promise<void> {
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const started = Date.now();
    await db.query(sql, params);
    console.log(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  console.log('seeding');
  await step(
    `${USERS} users`,
    `INSERT INTO users (telegram_id, username, first_name, language, referral_code, advertising_source, last_activity_at, created_at)
     SELECT $1::bigint + g, 'bench_user_' || g, 'Bench', (ARRAY['uz', 'ru', 'en'])[1 + g % 3], 'bench' || to_base36(g),
            CASE WHEN g % 5 = 0 THEN 'ads' END, now() - (g % 90) * interval '1 day', now() - (g % 90) * interval '1 day' - (g % 86400) * interval '1 second'
     FROM generate_series(1, $2::int) g`,
    [FIRST_TELEGRAM_ID, USERS],
  );
  await step(
    'user_daily_activity (one day per user in the last 30 days)',
    `INSERT INTO user_daily_activity (day, user_id) SELECT current_date - (telegram_id % 30)::int, id FROM users`,
  );
  await db.query(`CREATE TEMP TABLE bench_users AS SELECT row_number() OVER (ORDER BY telegram_id) AS n, id FROM users`);
  await db.query(`CREATE INDEX ON bench_users (n)`);
  const spend = `'{${GENERATION_SPEND_SHARDS.join(',')}}'::uuid[]`;
  await step(
    `${TRANSFERS} ledger transfers (purchases, charges, refunds)`,
    `INSERT INTO ledger_transfers (idempotency_key, debit_account_id, credit_account_id, amount, phase, kind, created_at)
     SELECT 'bench:' || g,
            CASE WHEN g % 10 < 3 THEN $2::uuid ELSE u.id END,
            CASE WHEN g % 10 < 3 THEN u.id WHEN g % 10 = 9 THEN $3::uuid ELSE (${spend})[1 + g % 16] END,
            1 + g % 200, 'single', CASE WHEN g % 10 < 3 THEN 'purchase' WHEN g % 10 = 9 THEN 'refund' ELSE 'charge' END,
            now() - (g % 90) * interval '1 day' - (g % 86400) * interval '1 second'
     FROM generate_series(1, $1::int) g JOIN bench_users u ON u.n = 1 + g % $4`,
    [TRANSFERS, SYSTEM_ACCOUNTS.purchases, SYSTEM_ACCOUNTS.refunds, USERS],
  );
  await step(
    `${GENERATIONS} generations`,
    `INSERT INTO generations (user_id, model_id, mode, status, price_credits, source, created_at, finished_at)
     SELECT u.id, m.ids[1 + g % array_length(m.ids, 1)], 't2i',
            CASE WHEN g % 20 = 0 THEN 'failed' WHEN g % 97 = 0 THEN 'cancelled' ELSE 'succeeded' END, 20 + g % 100, 'bot',
            now() - (g % 90) * interval '1 day' - (g % 86400) * interval '1 second', now() - (g % 90) * interval '1 day'
     FROM generate_series(1, $1::int) g JOIN bench_users u ON u.n = 1 + (g * 7) % $2, (SELECT array_agg(id ORDER BY slug) AS ids FROM models) m`,
    [GENERATIONS, USERS],
  );
  await step(
    `${PAYMENTS} payments`,
    `INSERT INTO payments (id, provider, external_id, user_id, amount_minor, currency, credits, status, created_at, expires_at, succeeded_at)
     SELECT gen_random_uuid(), CASE WHEN g % 4 = 0 THEN 'yookassa' ELSE 'telegram' END, 'bench-' || g, u.id,
            CASE WHEN g % 4 = 0 THEN 9900 ELSE 70 END, CASE WHEN g % 4 = 0 THEN 'RUB' ELSE 'XTR' END, 1000,
            CASE WHEN g % 10 = 0 THEN 'expired' ELSE 'succeeded' END,
            now() - (g % 90) * interval '1 day', now() - (g % 90) * interval '1 day' + interval '1 hour',
            CASE WHEN g % 10 = 0 THEN NULL ELSE now() - (g % 90) * interval '1 day' END
     FROM generate_series(1, $1::int) g JOIN bench_users u ON u.n = 1 + (g * 13) % $2`,
    [PAYMENTS, USERS],
  );
  await step('VACUUM ANALYZE', `VACUUM ANALYZE users, user_daily_activity, ledger_transfers, generations, payments`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const redisDb = Number(new URL(REDIS_URL).pathname.slice(1) || 0);
  if (!Number.isInteger(redisDb) || redisDb === 0) throw new Error('Set BENCH_REDIS_URL to a spare Redis database (not 0)');
  console.log(
    `admin bench: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (a machine shared with other engineers)`,
  );
  await freshDatabase(DATABASE_URL, 'bench', 'BENCH_DATABASE_URL');
  const appConfig = config();
  const app = await bootstrapAdminApi(appConfig, { port: 0 });
  const redis = new Redis(REDIS_URL);
  try {
    const db = app.get(DataSource);
    // A tiny helper for base-36 referral codes, so that search by code finds exactly one user.
    await db.query(`CREATE FUNCTION to_base36(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      WITH RECURSIVE d(n, s) AS (SELECT n, '' UNION ALL SELECT n / 36, substr('0123456789abcdefghijklmnopqrstuvwxyz', (n % 36)::int + 1, 1) || s FROM d WHERE n > 0)
      SELECT s FROM d WHERE n = 0 $$`);
    await seed(db);
    const http = request(app.getHttpServer());
    const login = await http
      .post('/api/v1/admin/auth/login')
      .send(signLoginWidget(BOT_TOKEN, { id: OWNER, first_name: 'Bench' }))
      .expect(200);
    const auth = `Bearer ${login.body.accessToken as string}`;

    console.log(`\n${REQUESTS} sequential requests per endpoint, uncached (Redis entry deleted before each), after 5 warm-up calls\n`);
    console.log('| endpoint | p50 ms | p95 ms | max ms | rows |');
    console.log('|---|---:|---:|---:|---:|');
    const worst: { name: string; p95: number }[] = [];
    for (const target of TARGETS) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < REQUESTS + 5; i++) {
        if (target.cacheKey) await redis.del(`cache:admin-stats:e:${target.cacheKey}`);
        const started = process.hrtime.bigint();
        const res = await http.get(target.path).set('Authorization', auth);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.status !== 200) throw new Error(`${target.path}: ${res.status} ${JSON.stringify(res.body)}`);
        rows = Array.isArray(res.body) ? res.body.length : Array.isArray(res.body.items) ? res.body.items.length : 1;
        if (i >= 5) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      worst.push({ name: target.name, p95 });
      console.log(`| ${target.name} | ${percentile(times, 50).toFixed(1)} | ${p95.toFixed(1)} | ${times[times.length - 1].toFixed(1)} | ${rows} |`);
    }
    const over = worst.filter((w) => w.p95 >= P95_BUDGET_MS);
    console.log(over.length ? `\nOVER BUDGET (p95 >= ${P95_BUDGET_MS} ms): ${over.map((w) => w.name).join(', ')}` : `\nevery p95 under ${P95_BUDGET_MS} ms`);

    for (const [label, sql] of EXPLAINED) {
      const plan: { 'QUERY PLAN': string }[] = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`);
      console.log(`\n-- ${label}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    redis.disconnect();
    await app.close();
    rmSync(appConfig.env.DATA_DIR, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
