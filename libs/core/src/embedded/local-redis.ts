import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { StartupError, errorCode } from './startup-error';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

const HOW_TO_INSTALL = 'install one (apt-get install redis-server, brew install redis) or run `docker compose up -d redis`, or set REDIS_URL';

export interface LocalRedisOptions {
  /** Where the local Redis is looked for and started (default 127.0.0.1:6379). */
  url?: string;
  /** The redis-server to run: default the one on PATH; null builds one with redis-memory-server even if one is installed. */
  systemBinary?: string | null;
}

/**
 * The Redis behind `npm start` when REDIS_URL is unset: the one answering on 127.0.0.1:6379, else
 * one started by redis-memory-server, from the installed `redis-server` (its system-binary option)
 * or, with none installed, from a binary it builds once from Redis's sources and caches. Data is
 * kept in `dir` (append-only file), so queued jobs survive a restart. When nothing works, the
 * error says how to install Redis.
 */
export async function ensureLocalRedis(
  dir: string,
  log: (line: string) => void,
  options: LocalRedisOptions = {},
): Promise<{ url: string; stop?: () => Promise<void> }> {
  const url = options.url ?? LOCAL_REDIS_URL;
  const { hostname, port } = new URL(url);
  if (await redisAnswers(url)) {
    log(`REDIS_URL not set: using the Redis on ${hostname}:${port}`);
    return { url };
  }
  if (await portOpen(hostname, Number(port))) {
    throw new StartupError(`${hostname}:${port} is taken by a process that does not answer as Redis without a password: stop it, or set REDIS_URL`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StartupError(
      `cannot create ${dir} for the local Redis (${errorCode(error) ?? String(error)}): set DATA_DIR to a folder you can write, or set REDIS_URL`,
    );
  }
  const systemBinary = options.systemBinary === undefined ? installedRedisServer() : (options.systemBinary ?? undefined);
  log(
    systemBinary
      ? `REDIS_URL not set and nothing on ${hostname}:${port}: starting ${systemBinary} (data in ${dir})`
      : `REDIS_URL not set and no redis-server installed: building one with redis-memory-server (once, then cached; needs make and a C compiler), data in ${dir}`,
  );
  const { RedisMemoryServer } = await import('redis-memory-server');
  const server = new RedisMemoryServer({
    autoStart: false,
    // Later arguments win: keep an append-only file in `dir`, unlike the package's throwaway default.
    instance: { ip: hostname, port: Number(port), args: ['--dir', dir, '--appendonly', 'yes'] },
    binary: systemBinary ? { systemBinary } : {},
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new StartupError(
      systemBinary
        ? `${systemBinary} did not start on ${hostname}:${port} (${reason}): set REDIS_URL`
        : `REDIS_URL is not set, no Redis answers on ${hostname}:${port}, and redis-memory-server could not build one (${reason}): ${HOW_TO_INSTALL}`,
    );
  }
  // The package moves to another port when it thinks the asked one is in use: ask where it is.
  const started = `redis://${hostname}:${await server.getPort()}`;
  if (!(await answersWithin(started, 5_000))) {
    await server.stop().catch(() => undefined);
    throw new StartupError(`the Redis started on ${started} does not answer: ${HOW_TO_INSTALL}`);
  }
  return { url: started, stop: async () => void (await server.stop()) };
}

function installedRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

async function answersWithin(url: string, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (await redisAnswers(url)) return true;
  }
  return false;
}

/** PONG within a second or two; a server that is not Redis (or wants a password) is a no, not a hang. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2_000)));
  const ping = (async () => {
    await client.connect();
    return (await client.ping()) === 'PONG';
  })().catch(() => false);
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
