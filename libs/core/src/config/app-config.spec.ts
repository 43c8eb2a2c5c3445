import { AppConfig, ConfigError } from './app-config';

const load = (env: Record<string, string>) => AppConfig.load({}, { readDotenv: false, source: env });

describe('AppConfig', () => {
  it('applies defaults for an empty environment (the embedded default)', () => {
    const config = load({});
    expect(config.env).toMatchObject({
      PUBLIC_API_PORT: 3000,
      ADMIN_API_PORT: 3001,
      BOT_PORT: 3002,
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      INIT_DATA_MAX_AGE_SECONDS: 86400,
    });
    expect(config.env.SERVICE_API_KEYS).toEqual([]);
    expect(config.botMode).toBe('polling');
  });

  it('parses service keys and admin ids', () => {
    const config = load({ SERVICE_API_KEYS: 'seedbot:0123456789abcdef, crm:fedcba9876543210', ADMIN_TELEGRAM_IDS: '1, 22' });
    expect(config.env.SERVICE_API_KEYS).toEqual([
      { name: 'seedbot', key: '0123456789abcdef' },
      { name: 'crm', key: 'fedcba9876543210' },
    ]);
    expect(config.env.ADMIN_TELEGRAM_IDS).toEqual(['1', '22']);
  });

  it('switches to webhook mode when a webhook URL is configured', () => {
    expect(load({ BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook' }).botMode).toBe('webhook');
    expect(load({ BOT_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook', BOT_MODE: 'polling' }).botMode).toBe('polling');
  });

  it.each([
    [{ PUBLIC_API_PORT: 'abc' }, /^Config error: PUBLIC_API_PORT .*\(got "abc"\)$/],
    [{ DATABASE_URL: 'mysql://x' }, /^Config error: DATABASE_URL must be a postgres:\/\/ URL/],
    [{ SERVICE_API_KEYS: 'short:key' }, /^Config error: SERVICE_API_KEYS must be name:key pairs/],
    [{ BOT_TOKEN: 'nope' }, /^Config error: BOT_TOKEN must look like/],
    [{ BOT_MODE: 'push' }, /^Config error: BOT_MODE /],
    [{ JWT_SECRET: 'short' }, /^Config error: JWT_SECRET must be at least 32 characters/],
  ])('stops with one line naming the variable for %p', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  it('names a missing variable an app requires', () => {
    expect(() => load({}).databaseUrl).toThrow(
      'Config error: DATABASE_URL is required to reach PostgreSQL (npm start alone runs an embedded one) (it is not set)',
    );
  });

  it('never prints a long secret in full', () => {
    expect(() => load({ JWT_SECRET: 'tiny', DATABASE_URL: 'x'.repeat(100) })).toThrow(/\.\.\."\)$/);
  });
});
