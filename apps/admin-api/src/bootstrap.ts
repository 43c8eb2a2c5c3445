import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp, persistentSecret } from '@genbot/core';
import { AdminApiModule } from './admin-api.module';

/** Starts admin-api; shared by main, the all-in-one process and the e2e tests. */
export function bootstrapAdminApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AdminApiModule.register(config, jwtSecret(config)), config, 'admin-api', {
    port: options.port,
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
