import { AppConfig } from '@genbot/core';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './jest/test-env';

export const TEST_API_KEY = 'seedbot-test-key-0123456789';
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/**
 * Config for a test app: the real test database and Redis, nothing from `.env` or the shell, and
 * whatever the test sets on top (a fake Bot API root, a token).
 */
export function testConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return AppConfig.load(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      HOST: '127.0.0.1',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: TEST_REDIS_URL,
      SERVICE_API_KEYS: `seedbot:${TEST_API_KEY}`,
      // Every suite calls from 127.0.0.1 into one Redis: global limits would couple them. The
      // suites that test the limits turn them on with rates of their own.
      RATE_LIMIT_RPS: '0',
      RATE_LIMIT_IP_RPS: '0',
      ...overrides,
    },
    { readDotenv: false, source: {} },
  );
}

let nextTelegramId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;

/** A Telegram id no other test uses, so suites never need to truncate tables. */
export function uniqueTelegramId(): number {
  return ++nextTelegramId + (process.pid % 1000) * 1_000_000_000;
}
