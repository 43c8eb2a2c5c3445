import { AppConfig } from '@genbot/core';
import { bootstrapWorker } from '../../apps/worker/src/bootstrap';

/**
 * The worker half of `run.ts` in a process of its own, as production runs it: booted through the
 * real `bootstrapWorker`, told its config by the parent (the same overrides the parent uses), and
 * stopped by a message so that BullMQ finishes its jobs and closes its connections first.
 */

export type FromParent = { type: 'cpu' } | { type: 'stop' };
export type FromWorker = { type: 'ready' } | { type: 'cpu'; cpuMs: number } | { type: 'stopped' } | { type: 'error'; message: string };

/** Resolves once the message is handed to the channel, so an exit right after does not lose it. */
function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message, undefined, {}, () => resolve()) : resolve()));
}

async function main(): Promise<void> {
  const overrides = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '{}') as Record<string, string>;
  const config = AppConfig.load(overrides, { readDotenv: false, source: {} });
  const worker = await bootstrapWorker(config, { port: 0 });
  process.on('message', (message: FromParent) => {
    if (message.type === 'cpu') {
      // CPU time of this process so far; the parent takes differences around each phase.
      const cpu = process.cpuUsage();
      void send({ type: 'cpu', cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'stop') {
      void worker
        .close()
        .then(() => send({ type: 'stopped' }))
        .finally(() => process.exit(0));
    }
  });
  // The parent died without stopping us: leave rather than linger on the bench database.
  process.on('disconnect', () => void worker.close().finally(() => process.exit(0)));
  await send({ type: 'ready' });
}

main().catch(async (error: unknown) => {
  await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
