import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '@genbot/testing';
import { ensureLocalRedis, redisAnswers } from './local-redis';
import { StartupError } from './startup-error';

const installed = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();

/**
 * `npm start` with no REDIS_URL and nothing answering: redis-memory-server runs a Redis, here
 * through its system-binary option (the machine's redis-server; building one from sources needs
 * the internet), on a port of the test's own so that the machine's Redis is left alone.
 */
describe('ensureLocalRedis', () => {
  let dir: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'genbot-redis-'));
    lines.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  (installed ? it : it.skip)('starts the installed redis-server through redis-memory-server, keeping data in DATA_DIR across restarts', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const first = await ensureLocalRedis(dir, log, { url });
    expect(first.url).toBe(url);
    expect(lines).toEqual([`REDIS_URL not set and nothing on 127.0.0.1:${new URL(url).port}: starting ${installed} (data in ${dir})`]);
    const client = new Redis(url);
    await client.set('sandbox:kept', 'yes');
    client.disconnect();
    await first.stop!();
    expect(await redisAnswers(url)).toBe(false);
    expect(readdirSync(dir).some((name) => name.startsWith('appendonly'))).toBe(true);

    const second = await ensureLocalRedis(dir, log, { url });
    try {
      const again = new Redis(second.url);
      expect(await again.get('sandbox:kept')).toBe('yes');
      again.disconnect();
    } finally {
      await second.stop!();
    }
  });

  it('uses a Redis that already answers, and starts nothing', async () => {
    const running = await ensureLocalRedis(dir, log, { url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
    expect(running.stop).toBeUndefined();
    expect(lines[0]).toMatch(/^REDIS_URL not set: using the Redis on 127\.0\.0\.1:\d+$/);
  });

  it('names the port when something that is not Redis holds it', async () => {
    const sockets = new Set<Socket>();
    const blocker = createServer((socket) => void sockets.add(socket.end()));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(ensureLocalRedis(dir, log, { url: `redis://127.0.0.1:${port}` })).rejects.toThrow(
        new StartupError(`127.0.0.1:${port} is taken by a process that does not answer as Redis without a password: stop it, or set REDIS_URL`),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says how to install Redis when none is installed and none can be built', async () => {
    const unreachable = await freePort();
    const saved = { url: process.env.REDISMS_DOWNLOAD_URL, dir: process.env.REDISMS_DOWNLOAD_DIR };
    // Redis's sources from a port nobody listens on: as on a machine without the internet.
    process.env.REDISMS_DOWNLOAD_URL = `http://127.0.0.1:${unreachable}/redis-stable.tar.gz`;
    process.env.REDISMS_DOWNLOAD_DIR = join(dir, 'binaries');
    try {
      const error = await ensureLocalRedis(join(dir, 'data'), log, { url: `redis://127.0.0.1:${await freePort()}`, systemBinary: null }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(
        /^Startup error: REDIS_URL is not set, no Redis answers on 127\.0\.0\.1:\d+, and redis-memory-server could not build one \(.+\): install one \(apt-get install redis-server, brew install redis\) or run `docker compose up -d redis`, or set REDIS_URL$/,
      );
      expect(lines.at(-1)).toContain('building one with redis-memory-server');
      expect(existsSync(join(dir, 'binaries'))).toBe(true);
    } finally {
      for (const [key, value] of [
        ['REDISMS_DOWNLOAD_URL', saved.url],
        ['REDISMS_DOWNLOAD_DIR', saved.dir],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });
});
