import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp } from '@genbot/core';
import { PublicApiModule } from './public-api.module';

/** Starts public-api; shared by `main.ts`, the all-in-one process and the e2e tests. */
export function bootstrapPublicApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(PublicApiModule.register(config), config, 'public-api', {
    port: options.port,
    docs: {
      title: 'genbot public API',
      description: 'Mini App endpoints (Telegram initData) and server-to-server endpoints (X-API-Key).',
      auth: ['api-key', 'init-data'],
    },
  });
}
