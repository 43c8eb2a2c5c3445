import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, CoreModule } from '@genbot/core';
import { LedgerModule, LedgerService } from '@genbot/ledger';

/**
 * `npm run ledger:expire-holds`: what the worker's hold expiry does every minute, until no hold is
 * past its timeout: each is voided (key `expire:<hold>`, so a run beside the worker voids nothing
 * twice). For when no worker ran for a while, and for CI, which verifies the ledger after the
 * suite as a running system would have left it.
 */
async function main(): Promise<void> {
  const config = AppConfig.load();
  @Module({ imports: [CoreModule.forRoot(config, 'worker'), LedgerModule] })
  class ExpireHoldsModule {}
  const app = await NestFactory.createApplicationContext(ExpireHoldsModule, { logger: ['error', 'warn'] });
  try {
    const ledger = app.get(LedgerService);
    let total = 0;
    for (let voided = await ledger.expireDueHolds(); voided > 0; voided = await ledger.expireDueHolds()) total += voided;
    console.log(`holds expired: ${total}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
