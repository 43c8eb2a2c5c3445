import { DataSource } from 'typeorm';
import { AppConfig, ConfigError, typeormOptions } from '@genbot/core';
import { verifyLedger } from '@genbot/ledger';

/** `npm run ledger:verify`: checks every ledger invariant; exits 1 naming the first violation. */
async function main(): Promise<void> {
  const dataSource = new DataSource(typeormOptions(AppConfig.load().databaseUrl, 1));
  await dataSource.initialize();
  try {
    const violation = await verifyLedger(dataSource);
    if (violation) {
      console.error(`ledger violation: ${violation.check}: ${JSON.stringify(violation.detail)}`);
      process.exitCode = 1;
      return;
    }
    const [counts]: { accounts: number; transfers: number }[] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM ledger_accounts) AS accounts, (SELECT count(*)::int FROM ledger_transfers) AS transfers`,
    );
    console.log(`ledger OK: ${counts.accounts} accounts, ${counts.transfers} transfers, every invariant holds`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
