import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUTH_ERROR_STATUSES } from '@genbot/auth';
import { AppConfig, createHttpApp } from '@genbot/core';
import { GENERATIONS_ERROR_STATUSES } from '@genbot/generations';
import { GROWTH_ERROR_STATUSES } from '@genbot/growth';
import { LEDGER_ERROR_STATUSES } from '@genbot/ledger';
import { PAYMENTS_ERROR_STATUSES } from '@genbot/payments';
import { STORAGE_ERROR_STATUSES } from '@genbot/storage';
import { TARIFFS_ERROR_STATUSES } from '@genbot/tariffs';
import { USERS_ERROR_STATUSES } from '@genbot/users';
import { PublicApiModule } from './public-api.module';

/** public-api's own codes: its multipart upload parser, and seed 003's synchronous /generate. */
const PUBLIC_API_ERROR_STATUSES = {
  MULTIPART_MALFORMED: 400,
  MULTIPART_TOO_MANY_PARTS: 413,
  COMPAT_GENERATION_FAILED: 502,
  COMPAT_GENERATION_TIMEOUT: 504,
};

/** Starts public-api; shared by `main.ts`, the all-in-one process and the e2e tests. */
export function bootstrapPublicApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(PublicApiModule.register(config), config, 'public-api', {
    port: options.port,
    errorStatuses: [
      USERS_ERROR_STATUSES,
      LEDGER_ERROR_STATUSES,
      GENERATIONS_ERROR_STATUSES,
      STORAGE_ERROR_STATUSES,
      PAYMENTS_ERROR_STATUSES,
      TARIFFS_ERROR_STATUSES,
      GROWTH_ERROR_STATUSES,
      PUBLIC_API_ERROR_STATUSES,
      AUTH_ERROR_STATUSES,
    ],
    // The Mini App: MINI_APP_URL=https://<this host>/app/ needs no other server.
    webApp: { prefix: '/app/', root: config.env.WEBAPP_DIR },
    docs: {
      title: 'genbot public API',
      description: 'Mini App endpoints (Telegram initData) and server-to-server endpoints (X-API-Key).',
      auth: ['api-key', 'init-data'],
    },
  });
}
