import { AppConfig } from './app-config';

const load = (env: Record<string, string>) => AppConfig.load({}, { readDotenv: false, source: env });

describe('download settings', () => {
  it('allows no plain-http host by default and takes safe limits', () => {
    expect(load({}).env).toMatchObject({ DOWNLOAD_ALLOW_HTTP_HOSTS: [], DOWNLOAD_TIMEOUT_MS: 15_000, DOWNLOAD_MIN_BYTES_PER_SECOND: 16_384 });
  });

  it('reads host names and IP literals, lower-cased', () => {
    expect(load({ DOWNLOAD_ALLOW_HTTP_HOSTS: 'localhost, Images.Dev.Local,127.0.0.1,[::1]' }).env.DOWNLOAD_ALLOW_HTTP_HOSTS).toEqual([
      'localhost',
      'images.dev.local',
      '127.0.0.1',
      '[::1]',
    ]);
  });

  it.each([['http://localhost'], ['localhost:8080'], ['images.dev/path'], ['*.example.com']])('stops at boot on %s, naming the variable', (value) => {
    expect(() => load({ DOWNLOAD_ALLOW_HTTP_HOSTS: value })).toThrow(/^Config error: DOWNLOAD_ALLOW_HTTP_HOSTS must be host names or IP addresses/);
  });
});
