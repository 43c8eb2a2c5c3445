import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BROADCASTS_ERROR_STATUSES } from '@genbot/broadcasts';
import { AppConfig, createHttpApp } from '@genbot/core';
import { GENERATIONS_ERROR_STATUSES } from '@genbot/generations';
import { LEDGER_ERROR_STATUSES } from '@genbot/ledger';
import { WorkerModule } from './worker.module';

/**
 * Starts the worker. Its only HTTP is /health and /health/ready on WORKER_PORT, which is what
 * orchestrators (and `npm start`) use as its liveness signal.
 */
export function bootstrapWorker(config: AppConfig, options: { port?: number } = {}): Promise<NestFastifyApplication> {
  return createHttpApp(WorkerModule.register(config), config, 'worker', {
    port: options.port,
    errorStatuses: [LEDGER_ERROR_STATUSES, GENERATIONS_ERROR_STATUSES, BROADCASTS_ERROR_STATUSES],
  });
}
