import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import type { RateRule } from '../http/rate-limit.storage';
import { originOf } from './edge.schema';
import { Env, envSchema } from './env.schema';

export type AppName = 'public-api' | 'admin-api' | 'bot' | 'worker';

/** Raised for a missing or malformed variable; `main` prints the message alone and exits 1. */
export class ConfigError extends Error {}

/**
 * The validated configuration, the DI token for it, and the only reader of the environment.
 * Values are resolved once at boot; the embedded default fills in DATABASE_URL / REDIS_URL
 * before the apps start (`with`), a standalone app without them stops naming the variable.
 */
export class AppConfig {
  private constructor(
    readonly env: Env,
    /** Names the process in every log line; set when one process runs all four apps. */
    readonly processLabel?: string,
    /** Where logs go instead of stdout (tests read them back). */
    readonly logStream?: NodeJS.WritableStream,
  ) {}

  /**
   * Reads `.env` (if present) under the real environment, validates everything, and reports
   * the first bad variable by name. `overrides` lets tests and the all-in-one process set values
   * without touching `process.env`.
   */
  static load(overrides: Record<string, string | undefined> = {}, opts: { readDotenv?: boolean; source?: NodeJS.ProcessEnv } = {}): AppConfig {
    const fromFile = opts.readDotenv !== false && existsSync('.env') ? parseDotenv(readFileSync('.env')) : {};
    const raw: Record<string, string | undefined> = { ...fromFile, ...(opts.source ?? process.env), ...overrides };
    for (const key of Object.keys(raw)) if (raw[key] === '') delete raw[key];
    const parsed = envSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const name = String(issue.path[0]);
      const shown = raw[name] === undefined ? 'it is not set' : `got ${JSON.stringify(truncate(raw[name]!))}`;
      throw new ConfigError(`Config error: ${name} ${issue.message} (${shown})`);
    }
    return new AppConfig(parsed.data);
  }

  /** A copy with some values replaced (the embedded default resolves DATABASE_URL this way). */
  with(values: Partial<Env>): AppConfig {
    return new AppConfig({ ...this.env, ...values }, this.processLabel, this.logStream);
  }

  /** nestjs-pino keeps one root logger per process, so per-app labels would be wrong there. */
  labelled(processLabel: string): AppConfig {
    return new AppConfig(this.env, processLabel, this.logStream);
  }

  /** A copy whose logs are written to `stream` rather than stdout. */
  logTo(stream: NodeJS.WritableStream): AppConfig {
    return new AppConfig(this.env, this.processLabel, stream);
  }

  /** Fails with the variable's name when an app that is starting needs a value that is unset. */
  require<K extends keyof Env>(name: K, why: string): NonNullable<Env[K]> {
    const value = this.env[name];
    if (value === undefined || value === null) throw new ConfigError(`Config error: ${String(name)} is required ${why} (it is not set)`);
    return value as NonNullable<Env[K]>;
  }

  get databaseUrl(): string {
    return this.require('DATABASE_URL', 'to reach PostgreSQL (npm start alone runs an embedded one)');
  }

  get redisUrl(): string {
    return this.require('REDIS_URL', 'to reach Redis (npm start alone uses 127.0.0.1:6379)');
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  get botMode(): 'webhook' | 'polling' {
    return this.env.BOT_MODE ?? (this.env.BOT_WEBHOOK_URL ? 'webhook' : 'polling');
  }

  /** Browser origins allowed to call this app (CORS); empty means no cross-origin calls. */
  corsOrigins(app: AppName): string[] {
    if (app === 'admin-api') return this.env.ADMIN_CORS_ORIGINS ?? [];
    if (app !== 'public-api') return [];
    const miniApp = this.env.MINI_APP_URL ? originOf(this.env.MINI_APP_URL) : undefined;
    return this.env.CORS_ORIGINS ?? (miniApp ? [miniApp] : []);
  }

  /** Fastify's `trustProxy`: false, a hop count, or proxy addresses / ranges. */
  get trustProxy(): false | number | string[] {
    return this.env.TRUST_PROXY;
  }

  /** The global limits; a rate of 0 leaves that one off. */
  get rateLimits(): { principal?: RateRule; ip?: RateRule } {
    const rule = (perSecond: number, burst: number): RateRule | undefined => (perSecond > 0 ? { kind: 'bucket', perSecond, burst } : undefined);
    return { principal: rule(this.env.RATE_LIMIT_RPS, this.env.RATE_LIMIT_BURST), ip: rule(this.env.RATE_LIMIT_IP_RPS, this.env.RATE_LIMIT_IP_BURST) };
  }

  port(app: AppName): number {
    const ports = { 'public-api': this.env.PUBLIC_API_PORT, 'admin-api': this.env.ADMIN_API_PORT, bot: this.env.BOT_PORT, worker: this.env.WORKER_PORT };
    return ports[app];
  }
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
