import { AppConfig, ConfigError, closeOnSignal, runMigrations, startEmbeddedInfra } from '@genbot/core';
import { bootstrapAdminApi } from './admin-api/src/bootstrap';
import { bootstrapBot } from './bot/src/bootstrap';
import { bootstrapPublicApi } from './public-api/src/bootstrap';
import { bootstrapWorker } from './worker/src/bootstrap';

const log = (line: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), app: 'all', msg: line }));

/**
 * `npm start`: all four apps in one process, the single-machine default. With no DATABASE_URL it
 * runs an embedded PostgreSQL under .data/, with no REDIS_URL the local Redis; pending migrations
 * are applied before anything serves.
 */
async function main(): Promise<void> {
  const infra = await startEmbeddedInfra(AppConfig.load(), log);
  const config = infra.config.labelled('all');
  const apps = [];
  try {
    const applied = await runMigrations(config.databaseUrl);
    log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    apps.push(await bootstrapWorker(config), await bootstrapPublicApi(config), await bootstrapAdminApi(config), await bootstrapBot(config));
  } catch (error) {
    // Leave no embedded PostgreSQL or Redis behind when an app cannot start.
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await infra.stop();
    throw error;
  }
  const { HOST } = config.env;
  log(
    `genbot is up: public-api http://${HOST}:${config.port('public-api')} (docs /docs), admin-api http://${HOST}:${config.port('admin-api')} (docs /docs), ` +
      `bot :${config.port('bot')}${config.env.BOT_TOKEN ? ` (${config.botMode})` : ' (idle: no BOT_TOKEN)'}, worker :${config.port('worker')}/health`,
  );
  closeOnSignal(apps, { afterClose: infra.stop, log });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
