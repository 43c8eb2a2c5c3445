import { TelegramRetryAfter } from '@genbot/telegram';
import { ProviderError } from '../application/ports/generation-provider';
import { RETRY_AFTER_BACKOFF, retryBackoff } from './retry-backoff';

describe('retryBackoff', () => {
  const job = { opts: { backoff: { type: RETRY_AFTER_BACKOFF, delay: 2000 } } };

  it("waits as long as a provider's Retry-After or Telegram's retry_after asks", () => {
    expect(retryBackoff(1, RETRY_AFTER_BACKOFF, new ProviderError('rate_limited', '429', 7), job)).toBe(7000);
    expect(retryBackoff(4, RETRY_AFTER_BACKOFF, new TelegramRetryAfter(33), job)).toBe(33_000);
  });

  it('backs off exponentially from the job delay for any other error, or a wait that is not a positive number', () => {
    expect([1, 2, 3, 4].map((n) => retryBackoff(n, RETRY_AFTER_BACKOFF, new Error('socket hang up'), job))).toEqual([2000, 4000, 8000, 16000]);
    expect(retryBackoff(2, RETRY_AFTER_BACKOFF, new ProviderError('transient', '503'), job)).toBe(4000);
    expect(retryBackoff(1, RETRY_AFTER_BACKOFF, Object.assign(new Error('x'), { retryAfterSeconds: 'soon' }), job)).toBe(2000);
    expect(retryBackoff(1, RETRY_AFTER_BACKOFF, new ProviderError('rate_limited', '429', 0), job)).toBe(2000);
  });

  it('never holds a job longer than an hour', () => {
    expect(retryBackoff(1, RETRY_AFTER_BACKOFF, new TelegramRetryAfter(86_400), job)).toBe(3_600_000);
  });
});
