import type { Job } from 'bullmq';

/** The backoff type of the generation jobs' retries; BullMQ hands it to `retryBackoff` (the worker's `backoffStrategy`). */
export const RETRY_AFTER_BACKOFF = 'retry-after';

/** A wait longer than this is not worth holding a job for; the generation's own deadline applies anyway. */
const MAX_RETRY_AFTER_SECONDS = 3600;
const DEFAULT_DELAY_MS = 2000;

/**
 * Delay before retry number `attemptsMade` of a generation job: as long as the error says to wait
 * when it says so (a provider's Retry-After on a ProviderError, Telegram's retry_after on a
 * TelegramRetryAfter, both as `retryAfterSeconds`), else exponential from the job's own delay.
 */
export function retryBackoff(attemptsMade: number, _type: string | undefined, error?: Error, job?: Pick<Job, 'opts'>): number {
  const wait = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof wait === 'number' && Number.isFinite(wait) && wait > 0) return Math.ceil(Math.min(wait, MAX_RETRY_AFTER_SECONDS) * 1000);
  const backoff = job?.opts.backoff;
  const delay = typeof backoff === 'object' && backoff.delay ? backoff.delay : DEFAULT_DELAY_MS;
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * delay);
}
