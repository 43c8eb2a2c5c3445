// Runs once before the integration and e2e projects: a clean schema built by the real
// migrations, and an empty Redis database. Relative imports only: jest loads this file without
// the path aliases.
import { Client } from 'pg';
import Redis from 'ioredis';
import { runMigrations } from '../../../core/src/database/run-migrations';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

let done = false;

export default async function globalSetup(): Promise<void> {
  if (done) return; // both projects name this file; once is enough
  done = true;
  const url = new URL(TEST_DATABASE_URL);
  const database = url.pathname.slice(1);
  if (!database.includes('test')) {
    throw new Error(`Refusing to run tests against database "${database}": its name must contain "test" (set TEST_DATABASE_URL)`);
  }
  const admin = new Client({ connectionString: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  await runMigrations(TEST_DATABASE_URL);
  const redis = new Redis(TEST_REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
}
