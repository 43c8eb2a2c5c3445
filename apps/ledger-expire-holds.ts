import { LedgerModule, LedgerService } from '@genbot/ledger';
import { runWorkerCommand } from './worker-command';

/**
 * `npm run ledger:expire-holds`: what the worker's hold expiry does every minute, until no hold is
 * past its timeout: each is voided (key `expire:<hold>`, so a run beside the worker voids nothing
 * twice). For when no worker ran for a while, and for CI, which verifies the ledger after the
 * suite as a running system would have left it.
 */
runWorkerCommand(LedgerModule, async (app) => {
  const ledger = app.get(LedgerService);
  let total = 0;
  for (let voided = await ledger.expireDueHolds(); voided > 0; voided = await ledger.expireDueHolds()) total += voided;
  console.log(`holds expired: ${total}`);
});
