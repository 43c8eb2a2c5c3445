import { AppConfig, ConfigError } from './app-config';

const load = (env: Record<string, string>) => AppConfig.load({}, { readDotenv: false, source: env });

describe('AppConfig: CORS, proxies and rate limits', () => {
  it('allows the Mini App origin by default, and nothing on admin-api', () => {
    const config = load({ MINI_APP_URL: 'https://app.example.com/miniapp/?x=1' });
    expect(config.corsOrigins('public-api')).toEqual(['https://app.example.com']);
    expect(config.corsOrigins('admin-api')).toEqual([]);
    expect(load({}).corsOrigins('public-api')).toEqual([]);
  });

  it('takes CORS_ORIGINS and ADMIN_CORS_ORIGINS as comma-separated origins, replacing the default', () => {
    const config = load({
      MINI_APP_URL: 'https://app.example.com',
      CORS_ORIGINS: 'https://a.example.com, http://localhost:5173/',
      ADMIN_CORS_ORIGINS: 'https://ops.example.com',
    });
    expect(config.corsOrigins('public-api')).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(config.corsOrigins('admin-api')).toEqual(['https://ops.example.com']);
    expect(config.corsOrigins('bot')).toEqual([]);
  });

  it('trusts no proxy by default, a hop count, or addresses and ranges', () => {
    expect(load({}).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: 'none' }).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(load({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, ::1, loopback' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
  });

  it('has per-caller and per-IP limits, 0 turning one off', () => {
    expect(load({}).rateLimits).toEqual({ principal: { kind: 'bucket', perSecond: 10, burst: 30 }, ip: { kind: 'bucket', perSecond: 10, burst: 50 } });
    expect(load({ RATE_LIMIT_RPS: '0.5', RATE_LIMIT_BURST: '3', RATE_LIMIT_IP_RPS: '0' }).rateLimits).toEqual({
      principal: { kind: 'bucket', perSecond: 0.5, burst: 3 },
      ip: undefined,
    });
  });

  it.each([
    [{ CORS_ORIGINS: 'app.example.com' }, /^Config error: CORS_ORIGINS must be origins like https:\/\/app\.example\.com/],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, /^Config error: CORS_ORIGINS must be origins/],
    [{ CORS_ORIGINS: '*' }, /^Config error: CORS_ORIGINS must be origins/],
    [{ ADMIN_CORS_ORIGINS: 'ftp://x.example.com' }, /^Config error: ADMIN_CORS_ORIGINS must be origins/],
    [{ TRUST_PROXY: 'true' }, /^Config error: TRUST_PROXY must be a hop count or IP addresses \/ CIDR ranges/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^Config error: TRUST_PROXY must be a hop count/],
    [{ TRUST_PROXY: '-1' }, /^Config error: TRUST_PROXY must be a hop count/],
    [{ RATE_LIMIT_RPS: 'fast' }, /^Config error: RATE_LIMIT_RPS /],
    [{ RATE_LIMIT_BURST: '0' }, /^Config error: RATE_LIMIT_BURST /],
  ])('stops with one line naming the variable for %p', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
