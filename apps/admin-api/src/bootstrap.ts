import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp, persistentSecret } from '@genbot/core';
import { USERS_ERROR_STATUSES } from '@genbot/users';
import { AdminApiModule } from './admin-api.module';

/** admin-api's own code: a valid Telegram login from someone not on ADMIN_TELEGRAM_IDS. */
const ADMIN_API_ERROR_STATUSES = { ADMIN_NOT_ALLOWED: 403 };

/** Starts admin-api; shared by main, the all-in-one process and the e2e tests. */
export function bootstrapAdminApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AdminApiModule.register(config, jwtSecret(config)), config, 'admin-api', {
    port: options.port,
    errorStatuses: [USERS_ERROR_STATUSES, ADMIN_API_ERROR_STATUSES],
    docs: {
      title: 'genbot admin API',
      description: 'Operator endpoints. Log in with the Telegram Login Widget, then send the JWT as a Bearer token.',
      auth: ['bearer'],
    },
  });
}

function jwtSecret(config: AppConfig): string {
  return persistentSecret(config, config.env.JWT_SECRET, 'JWT_SECRET', (line) => new Logger('AdminApi').warn(line));
}
