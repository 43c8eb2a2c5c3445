// Relative imports only: the jest global setup loads this file without the path aliases.
import { Client } from 'pg';
import { runMigrations } from '../../../core/src/database/run-migrations';
import { MIGRATIONS } from '../../../../migrations';

/**
 * Creates the database if it is missing and rebuilds its public schema with the real
 * migrations, after refusing any database whose name does not contain `mustContain` (`test`,
 * `bench`): a wrong URL must never wipe a real database.
 */
export async function freshDatabase(url: string, mustContain: string, variable: string): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!database.includes(mustContain)) {
    throw new Error(`Refusing to use database "${database}": its name must contain "${mustContain}" (set ${variable})`);
  }
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  await runMigrations(url, MIGRATIONS);
}
