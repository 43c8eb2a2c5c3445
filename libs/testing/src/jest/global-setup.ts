// Runs once before the integration and e2e projects: a clean schema built by the real
// migrations, and an empty Redis database. Relative imports only: jest loads this file without
// the path aliases.
import Redis from 'ioredis';
import { freshDatabase } from './fresh-database';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

let done = false;

export default async function globalSetup(): Promise<void> {
  if (done) return; // both projects name this file; once is enough
  done = true;
  await freshDatabase(TEST_DATABASE_URL, 'test', 'TEST_DATABASE_URL');
  const redis = new Redis(TEST_REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
}
