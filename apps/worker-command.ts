import type { INestApplicationContext, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, CoreModule } from '@genbot/core';

/**
 * Runs one pass of something the worker does on a schedule, as an npm command
 * (`payments:reconcile`, `ledger:expire-holds`): the worker's core module and `feature` in a Nest
 * context without HTTP, closed once `work` is done. A config error prints its message alone; any
 * failure exits 1.
 */
export function runWorkerCommand(feature: Type<unknown>, work: (app: INestApplicationContext) => Promise<void>): void {
  const run = async () => {
    @Module({ imports: [CoreModule.forRoot(AppConfig.load(), 'worker'), feature] })
    class WorkerCommandModule {}
    const app = await NestFactory.createApplicationContext(WorkerCommandModule, { logger: ['error', 'warn'] });
    try {
      await work(app);
    } finally {
      await app.close();
    }
  };
  run().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
