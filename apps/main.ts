import pino from 'pino';
import {
  AppConfig,
  AppName,
  ConfigError,
  assertPortsFree,
  closeOnSignal,
  logFormat,
  prettyLogStream,
  runMigrations,
  startEmbeddedInfra,
  startingApp,
} from '@genbot/core';
import { MIGRATIONS } from '@genbot/migrations';
import type { Sandbox } from '@genbot/sandbox';
import { bootstrapAdminApi } from './admin-api/src/bootstrap';
import { bootstrapBot } from './bot/src/bootstrap';
import { bootstrapPublicApi } from './public-api/src/bootstrap';
import { bootstrapWorker } from './worker/src/bootstrap';

/**
 * `npm start`: all four apps in one process, the single-machine default. With no DATABASE_URL it
 * runs an embedded PostgreSQL (see README, "Where the data lives"), with no REDIS_URL the local
 * Redis; with no BOT_TOKEN the sandbox (a local Telegram and its web chat, libs/sandbox); pending
 * migrations are applied before anything serves. A failure the operator can fix
 * (a taken port, a database that cannot start) is one line naming the cause and the fix.
 */
async function main(): Promise<void> {
  const loaded = AppConfig.load();
  // The process's own lines look like the apps' (JSON, or one pretty line on a terminal).
  const logger = pino({ base: { app: 'all' } }, logFormat(loaded) === 'pretty' ? prettyLogStream() : undefined);
  const log = (line: string) => logger.info(line);
  // Before the embedded database starts: a taken port should not cost an initdb to find out.
  await assertPortsFree(loaded, ['worker', 'public-api', 'admin-api', 'bot']);
  const infra = await startEmbeddedInfra(loaded, log);
  let config = infra.config.labelled('all');
  let sandbox: Sandbox | undefined;
  const stop = async () => {
    await sandbox?.stop();
    await infra.stop();
  };
  const apps = [];
  try {
    // With no bot token, the sandbox is the bot's Telegram; with one, none of its code is even loaded.
    if (!config.env.BOT_TOKEN) {
      const { startSandbox } = await import('@genbot/sandbox');
      sandbox = await startSandbox(config, log);
      config = sandbox.config;
    }
    const applied = await runMigrations(config.databaseUrl, MIGRATIONS);
    log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    const start = <T>(app: AppName, boot: (config: AppConfig) => Promise<T>) => startingApp(app, config, () => boot(config));
    apps.push(await start('worker', bootstrapWorker));
    apps.push(await start('public-api', bootstrapPublicApi));
    apps.push(await start('admin-api', bootstrapAdminApi));
    apps.push(await start('bot', (config) => bootstrapBot(config, { beforeListen: sandbox?.mount })));
  } catch (error) {
    // Leave no embedded PostgreSQL or Redis behind when an app cannot start.
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await stop();
    throw error;
  }
  const { HOST } = config.env;
  log(
    `genbot is up: public-api http://${HOST}:${config.port('public-api')} (docs /docs), admin-api http://${HOST}:${config.port('admin-api')} (docs /docs), ` +
      `bot :${config.port('bot')} (${sandbox ? 'sandbox' : config.botMode}), worker :${config.port('worker')}/health`,
  );
  if (sandbox) log(`Sandbox: chat with your bot at ${sandbox.url}`);
  closeOnSignal(apps, { afterClose: stop, log });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
