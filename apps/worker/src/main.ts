import { AppConfig, ConfigError, closeOnSignal, startingApp } from '@genbot/core';
import { bootstrapWorker } from './bootstrap';

/** `npm run start:worker`: this app alone, against DATABASE_URL and REDIS_URL (production). */
async function main(): Promise<void> {
  const config = AppConfig.load();
  // Alone, an app has no embedded default: stop now, naming the variable, if either is unset.
  config.require('DATABASE_URL', 'to reach PostgreSQL');
  config.require('REDIS_URL', 'to reach Redis');
  // A taken port is one line naming the variable to change, not a stack.
  const app = await startingApp('worker', config, () => bootstrapWorker(config));
  closeOnSignal([app]);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
