import type { INestApplicationContext } from '@nestjs/common';

/**
 * One signal handler per process, closing every app it runs (the all-in-one process runs four).
 * Nest's own `enableShutdownHooks` re-raises the signal after the first app closes, which would
 * cut the others short. Apps close in reverse start order so the bot stops taking updates before
 * the worker it feeds stops.
 */
export function closeOnSignal(
  apps: INestApplicationContext[],
  options: { afterClose?: () => Promise<void>; log?: (line: string) => void; graceMs?: number } = {},
): void {
  const { afterClose, log = console.log, graceMs = 25_000 } = options;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal} received: finishing in-flight work and closing connections`);
    const timer = setTimeout(() => {
      log('shutdown grace period over, exiting');
      process.exit(1);
    }, graceMs).unref();
    for (const app of [...apps].reverse()) await app.close().catch((error: unknown) => log(`close failed: ${String(error)}`));
    await afterClose?.().catch((error: unknown) => log(`close failed: ${String(error)}`));
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
