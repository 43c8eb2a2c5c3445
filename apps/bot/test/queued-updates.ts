import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomInt } from 'node:crypto';
import { eventually } from '@genbot/testing';
import { UpdatesQueue } from '../src/updates/updates.queue';

/**
 * A bot token of its own per suite: the update queue is keyed by the bot's id, and suites running
 * side by side on one Redis must not handle each other's updates (as two real bots would not).
 */
export function uniqueBotToken(): string {
  return `${randomInt(100_000_000, 2_000_000_000)}:AAF-fake-token-for-tests_${randomInt(1e9)}`;
}

/** Resolves once the bot's processor has finished the update (the webhook acked it before that). */
export async function handled(app: NestFastifyApplication, updateId: number, timeoutMs = 15_000): Promise<void> {
  const queue = app.get(UpdatesQueue);
  await eventually(
    () => queue.state(updateId),
    (state) => state === 'done',
    timeoutMs,
    10,
  );
}
