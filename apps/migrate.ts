import { AppConfig, ConfigError, runMigrations } from '@genbot/core';
import { MIGRATIONS } from '@genbot/migrations';

/** `npm run migration:run` and the compose `migrate` service: apply pending migrations, exit. */
async function main(): Promise<void> {
  const applied = await runMigrations(AppConfig.load().databaseUrl, MIGRATIONS);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
