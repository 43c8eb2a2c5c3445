import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { TEST_API_KEY, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-test-token_0000000000';
const MINI_APP = 'https://mini.example.com';
/**
 * Rates so slow (one token per 1000 s) that no token comes back while a test runs: what passes
 * is the burst alone, however fast or slow this machine is. The algorithm's timing is proved
 * with controlled timestamps in rate-limit.storage.int-spec.ts.
 */
const LIMITS = { RATE_LIMIT_RPS: '0.001', RATE_LIMIT_BURST: '3', RATE_LIMIT_IP_RPS: '0.001', RATE_LIMIT_IP_BURST: '2' };

const boot = (env: Record<string, string> = {}) =>
  bootstrapPublicApi(testConfig({ BOT_TOKEN, MINI_APP_URL: `${MINI_APP}/app/`, ...LIMITS, ...env }), { port: 0 });

describe('public-api at the edge: CORS, client IPs, global rate limits', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await boot();
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const miniAppHeaders = (id: number) => ({ 'X-Telegram-Init-Data': signInitData(BOT_TOKEN, { user: { id, first_name: 'Ann' } }) });
  const sync = (id: number) => http.post('/api/v1/users/sync').set(miniAppHeaders(id)).send({});

  describe('CORS', () => {
    const preflight = (origin: string) =>
      http
        .options('/api/v1/users/sync')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-telegram-init-data, authorization, content-type, idempotency-key, x-request-id');

    it("answers the Mini App's preflight with the headers it sends", async () => {
      const res = await preflight(MINI_APP).expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(MINI_APP);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      const allowed = res.headers['access-control-allow-headers'].toLowerCase().split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['x-telegram-init-data', 'authorization', 'content-type', 'idempotency-key', 'x-request-id']));
      expect(res.headers.vary).toMatch(/origin/i);
    });

    it('gives a call from the Mini App its origin and the response headers it may read', async () => {
      const res = await http.get('/api/v1/health').set('Origin', MINI_APP).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(MINI_APP);
      const exposed = res.headers['access-control-expose-headers'].toLowerCase().split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'x-next-cursor', 'x-ratelimit-limit', 'x-ratelimit-remaining']));
    });

    it('gives another origin no CORS headers at all', async () => {
      const pre = await preflight('https://evil.example.com');
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.headers['access-control-allow-headers']).toBeUndefined();
      const res = await http.get('/api/v1/health').set('Origin', 'https://mini.example.com.evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-expose-headers']).toBeUndefined();
    });
  });

  describe('global rate limit', () => {
    it('limits each Mini App user to their burst, with 429, Retry-After and the error body', async () => {
      const [ann, bob] = [uniqueTelegramId(), uniqueTelegramId()];
      for (let i = 0; i < 3; i++) await sync(ann).expect(200);
      const limited = await sync(ann).expect(429);
      expect(limited.body).toEqual({ code: 'RATE_LIMITED', message: expect.any(String), details: { retryAfterSeconds: expect.any(Number) } });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      // Another user, and a service client, have buckets of their own.
      const { id: bobId } = (await sync(bob).expect(200)).body;
      for (let i = 0; i < 4; i++)
        await http
          .get(`/api/v1/users/${bobId}/balance`)
          .set('X-API-Key', TEST_API_KEY)
          .expect(i < 3 ? 200 : 429);
    });

    it('limits unauthenticated calls per IP, ignores X-Forwarded-For by default, and never limits health', async () => {
      // No TRUST_PROXY: the socket address (127.0.0.1) is the client, whatever the header says.
      await http.get('/api/v1/info').set('X-Forwarded-For', '203.0.113.1').expect(200);
      await http.get('/api/v1/info').set('X-Forwarded-For', '203.0.113.2').expect(200);
      const limited = await http.get('/api/v1/info').set('X-Forwarded-For', '203.0.113.3').expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      // Junk credentials on a public route do not open a way around the per-IP limit.
      await http.get('/api/v1/info').set('Authorization', 'Bearer junk').expect(429);
      // A signed-in user behind the same address (a carrier's NAT) is limited as themselves.
      await sync(uniqueTelegramId()).expect(200);
      for (let i = 0; i < 5; i++) {
        await http.get('/api/v1/health').expect(200);
        await http.get('/health').expect(200);
      }
    });
  });
});

describe('public-api behind proxies (TRUST_PROXY)', () => {
  it.each([
    ['a hop count', '1'],
    ['the proxy address range', '127.0.0.0/8, ::1'],
  ])('takes the client from X-Forwarded-For when trusting %s', async (_, trustProxy) => {
    const app = await boot({ TRUST_PROXY: trustProxy });
    try {
      const http = request(app.getHttpServer());
      const client = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
      // The proxy appends the address it saw; whatever the client wrote before it is not trusted.
      const from = (ip: string, spoofed = '192.0.2.77') => http.get('/api/v1/info').set('X-Forwarded-For', `${spoofed}, ${ip}`);
      await from(client).expect(200);
      await from(client, '192.0.2.78').expect(200);
      await from(client, '192.0.2.79').expect(429);
      await from(`2001:db8:${Math.floor(Math.random() * 9999)}::1`).expect(200);
    } finally {
      await app.close();
    }
  });
});
