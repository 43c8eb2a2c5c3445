import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { nativePostgresDir } from './postgres-layout';
import { StartupError } from './startup-error';

const asRoot = process.getuid?.() === 0;
const log = () => undefined;

/** A port nothing listens on now; the embedded default's own 54329 may be a developer's npm start. */
function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
async function freePort(): Promise<number> {
  const server = await listenOnFreePort();
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A checkout nobody else may enter, as `git clone` into /root or `mktemp -d` makes: its DATA_DIR
 * and its node_modules' PostgreSQL build (a link, as npm would have put the files there) sit in a
 * 0700 folder.
 */
function privateCheckout(): { dir: string; dataDir: string; nativeDir: string; systemDir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'genbot-private-'));
  chmodSync(dir, 0o700);
  symlinkSync(nativePostgresDir(), join(dir, 'native'));
  const systemDir = mkdtempSync(join(tmpdir(), 'genbot-system-'));
  return {
    dir,
    dataDir: join(dir, '.data'),
    nativeDir: join(dir, 'native'),
    systemDir,
    cleanup: () => [dir, systemDir].forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('embedded PostgreSQL', () => {
  (asRoot ? it : it.skip)(
    `starts as root from a checkout inside a 0700 folder${asRoot ? '' : ' (skipped: needs root, as CI and a fresh server have)'}`,
    async () => {
      const checkout = privateCheckout();
      try {
        const pg = await startEmbeddedPostgres({
          dataDir: checkout.dataDir,
          port: await freePort(),
          log,
          nativeDir: checkout.nativeDir,
          systemDir: checkout.systemDir,
        });
        try {
          expect(pg.clusterDir.startsWith(checkout.systemDir)).toBe(true);
          const client = new Client({ connectionString: pg.url });
          await client.connect();
          expect((await client.query('SELECT current_database() AS db')).rows).toEqual([{ db: 'genbot' }]);
          await client.end();
        } finally {
          await pg.stop();
        }
        // A second start reuses the cluster and the staged binaries.
        const again = await startEmbeddedPostgres({
          dataDir: checkout.dataDir,
          port: await freePort(),
          log,
          nativeDir: checkout.nativeDir,
          systemDir: checkout.systemDir,
        });
        await again.stop();
      } finally {
        checkout.cleanup();
      }
    },
  );

  it('names the taken port and the fix in one line', async () => {
    const checkout = privateCheckout();
    const blocker = await listenOnFreePort();
    try {
      const { port } = blocker.address() as { port: number };
      const message = await messageOf(
        startEmbeddedPostgres({ dataDir: checkout.dataDir, port, log, nativeDir: checkout.nativeDir, systemDir: checkout.systemDir }),
      );
      expect(message).toBe(
        `Startup error: embedded PostgreSQL cannot listen: port ${port} on 127.0.0.1 is taken by another process (an earlier genbot still running?): stop it, or set DATABASE_URL to use a PostgreSQL of your own`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      checkout.cleanup();
    }
  });

  it('names missing binaries and the fix in one line instead of an unhandled spawn error', async () => {
    const checkout = privateCheckout();
    const empty = join(checkout.dir, 'empty-native');
    mkdirSync(join(empty, 'bin'), { recursive: true });
    try {
      const message = await messageOf(
        startEmbeddedPostgres({ dataDir: checkout.dataDir, port: await freePort(), log, nativeDir: empty, systemDir: checkout.systemDir }),
      );
      expect(message).toMatch(/^Startup error: embedded PostgreSQL .*(missing|cannot execute).*: .*npm install.*, or set DATABASE_URL/);
    } finally {
      checkout.cleanup();
    }
  });

  it("reports initdb's own last error in one line", async () => {
    const checkout = privateCheckout();
    const broken = join(checkout.dir, 'broken-native');
    mkdirSync(join(broken, 'bin'), { recursive: true });
    const script = '#!/bin/sh\necho "creating directory ..." ; echo "initdb: error: could not create directory: No space left on device" >&2\nexit 1\n';
    for (const name of ['initdb', 'postgres']) writeFileSync(join(broken, 'bin', name), script, { mode: 0o755 });
    try {
      const message = await messageOf(
        startEmbeddedPostgres({ dataDir: checkout.dataDir, port: await freePort(), log, nativeDir: broken, systemDir: checkout.systemDir }),
      );
      expect(message).toBe(
        'Startup error: embedded PostgreSQL could not start (initdb: error: could not create directory: No space left on device): set DATABASE_URL to use a PostgreSQL of your own',
      );
    } finally {
      checkout.cleanup();
    }
  });
});
