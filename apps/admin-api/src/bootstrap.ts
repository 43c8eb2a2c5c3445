import { BROADCASTS_ERROR_STATUSES } from '@genbot/broadcasts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_ERROR_STATUSES, ADMIN_OPS_ERROR_STATUSES } from '@genbot/admin';
import { AUTH_ERROR_STATUSES } from '@genbot/auth';
import { AppConfig, createHttpApp } from '@genbot/core';
import { GENERATIONS_ERROR_STATUSES } from '@genbot/generations';
import { GROWTH_ERROR_STATUSES } from '@genbot/growth';
import { LEDGER_ERROR_STATUSES } from '@genbot/ledger';
import { PAYMENTS_ERROR_STATUSES } from '@genbot/payments';
import { USERS_ERROR_STATUSES } from '@genbot/users';
import { AdminApiModule } from './admin-api.module';
import { mountQueueDashboard } from './http/queues/queue-dashboard';

/** Starts admin-api; shared by main, the all-in-one process and the e2e tests. */
export function bootstrapAdminApi(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(AdminApiModule.register(config), config, 'admin-api', {
    port: options.port,
    beforeListen: mountQueueDashboard,
    errorStatuses: [
      USERS_ERROR_STATUSES,
      LEDGER_ERROR_STATUSES,
      AUTH_ERROR_STATUSES,
      ADMIN_ERROR_STATUSES,
      GENERATIONS_ERROR_STATUSES,
      PAYMENTS_ERROR_STATUSES,
      ADMIN_OPS_ERROR_STATUSES,
      BROADCASTS_ERROR_STATUSES,
      GROWTH_ERROR_STATUSES,
    ],
    // The admin panel; its production sign-in is Telegram's Login Widget (a script and a frame of Telegram's).
    webApp: { prefix: '/panel/', root: config.env.ADMIN_PANEL_DIR, allow: { scripts: ['https://telegram.org'], frames: ['https://oauth.telegram.org'] } },
    docs: {
      title: 'genbot admin API',
      description:
        'Operator endpoints. Log in with the Telegram Login Widget, send the access token as a Bearer token, and trade the refresh token for a new pair before it expires.',
      auth: ['bearer'],
    },
  });
}
