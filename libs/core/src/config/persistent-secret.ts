import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';

/**
 * A secret that production must configure, and that a single development machine makes once
 * and keeps under DATA_DIR (so signatures and tokens survive restarts and are shared by the apps
 * of the all-in-one process without anyone choosing a value).
 */
export function persistentSecret(config: AppConfig, configured: string | undefined, variable: string, log: (line: string) => void): string {
  if (configured) return configured;
  if (config.isProduction) throw new ConfigError(`Config error: ${variable} is required in production (it is not set)`);
  const file = join(config.env.DATA_DIR, variable.toLowerCase());
  if (!existsSync(file)) {
    mkdirSync(config.env.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    log(`${variable} not set: generated one in ${file} (set ${variable} in production)`);
  }
  return readFileSync(file, 'utf8').trim();
}
