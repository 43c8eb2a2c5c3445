import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, CoreModule } from '@genbot/core';
import { PaymentsModule, PaymentsService } from '@genbot/payments';

/**
 * `npm run payments:reconcile`: one reconciliation pass, the same the worker runs every few minutes:
 * pending YooKassa and Stripe payments older than a minute are re-read and settled, overdue ones
 * expired. Prints what changed; safe to run at any time, alongside the worker.
 */
async function main(): Promise<void> {
  const config = AppConfig.load();
  @Module({ imports: [CoreModule.forRoot(config, 'worker'), PaymentsModule] })
  class ReconcileModule {}
  const app = await NestFactory.createApplicationContext(ReconcileModule, { logger: ['error', 'warn'] });
  try {
    const report = await app.get(PaymentsService).reconcile();
    console.log(`payments reconciled: ${report.checked} pending checked`);
    for (const id of report.credited) console.log(`credited ${id}`);
    for (const id of report.canceled) console.log(`canceled ${id}`);
    for (const id of report.expired) console.log(`expired ${id}`);
    for (const id of report.waitingFailed) console.log(`failed waiting job ${id}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
