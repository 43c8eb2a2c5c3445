import { PaymentsModule, PaymentsService } from '@genbot/payments';
import { runWorkerCommand } from './worker-command';

/**
 * `npm run payments:reconcile`: one reconciliation pass, the same the worker runs every few minutes:
 * pending YooKassa and Stripe payments older than a minute are re-read and settled, overdue ones
 * expired. Prints what changed; safe to run at any time, alongside the worker.
 */
runWorkerCommand(PaymentsModule, async (app) => {
  const report = await app.get(PaymentsService).reconcile();
  console.log(`payments reconciled: ${report.checked} pending checked`);
  for (const id of report.credited) console.log(`credited ${id}`);
  for (const id of report.canceled) console.log(`canceled ${id}`);
  for (const id of report.expired) console.log(`expired ${id}`);
  for (const id of report.waitingFailed) console.log(`failed waiting job ${id}`);
});
