import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '@genbot/core';
import { bootstrapBot } from '../../apps/bot/src/bootstrap';

/**
 * The bot app of the webhook bench, booted as production boots it (webhook mode, its update
 * processors included), in a process of its own so the load generator never shares its event
 * loop. Tells the parent its port over IPC, and closes on `{type: 'stop'}`.
 */
async function start(): Promise<void> {
  const config = AppConfig.load(JSON.parse(process.env.BENCH_BOT_CONFIG ?? '{}') as Record<string, string>, { readDotenv: false, source: {} });
  const app = await bootstrapBot(config, { port: 0 });
  process.send?.({ type: 'ready', port: (app.getHttpServer().address() as AddressInfo).port });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop') void app.close().finally(() => process.exit(0));
  });
}

start().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
