import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp } from '@genbot/core';
import { AdminApiModule } from './admin-api.module';

/** Starts admin-api; shared by main, the all-in-one process and the e2e tests. */
export function bootstrapAdminApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AdminApiModule.register(config, jwtSecret(config)), config, 'admin-api', {
    port: options.port,
    docs: { title: 'genbot admin API', description: 'Operator endpoints. Log in with the Telegram Login Widget, then send the JWT as a Bearer token.', auth: ['bearer'] },
  });
}

/**
 * Production must set JWT_SECRET. On a single development machine a random secret is made once
 * and kept under DATA_DIR, so tokens survive restarts without anyone choosing a secret.
 */
function jwtSecret(config: AppConfig): string {
  if (config.env.JWT_SECRET) return config.env.JWT_SECRET;
  if (config.isProduction) return config.require('JWT_SECRET', 'for admin-api in production');
  const file = join(config.env.DATA_DIR, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.env.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    new Logger('AdminApi').warn(`JWT_SECRET not set: generated one in ${file} (set JWT_SECRET in production)`);
  }
  return readFileSync(file, 'utf8').trim();
}
