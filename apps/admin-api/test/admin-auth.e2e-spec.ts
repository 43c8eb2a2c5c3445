import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { signLoginWidget, testConfig } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-test-token_000000000';
const ADMIN_ID = 424242;

describe('admin-api: Telegram Login Widget -> session', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: `${ADMIN_ID},777`, JWT_SECRET: 'x'.repeat(40) }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  it('logs an allow-listed admin in and recognises the token', async () => {
    const login = await http
      .post('/api/v1/admin/auth/login')
      .send(signLoginWidget(BOT_TOKEN, { id: ADMIN_ID, first_name: 'Ops', username: 'ops' }))
      .expect(200);
    expect(login.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      admin: { telegramId: String(ADMIN_ID), username: 'ops', firstName: 'Ops', role: 'owner' },
    });
    const me = await http.get('/api/v1/admin/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body).toEqual(login.body.admin);
  });

  it('refuses a Telegram account that is not on the allow-list with 403', async () => {
    const res = await http
      .post('/api/v1/admin/auth/login')
      .send(signLoginWidget(BOT_TOKEN, { id: 31337, first_name: 'Eve' }))
      .expect(403);
    expect(res.body.code).toBe('ADMIN_NOT_ALLOWED');
  });

  it('refuses forged, stale and malformed logins', async () => {
    const forged = { ...signLoginWidget(BOT_TOKEN, { id: 31337, first_name: 'Eve' }), id: ADMIN_ID };
    expect((await http.post('/api/v1/admin/auth/login').send(forged).expect(401)).body.code).toBe('AUTH_LOGIN_INVALID');
    const stale = signLoginWidget(BOT_TOKEN, { id: ADMIN_ID, first_name: 'Ops' }, new Date(Date.now() - 2 * 24 * 3600 * 1000));
    expect((await http.post('/api/v1/admin/auth/login').send(stale).expect(401)).body.code).toBe('AUTH_LOGIN_EXPIRED');
    const malformed = await http.post('/api/v1/admin/auth/login').send({ id: 'x' }).expect(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses admin routes without a valid bearer token', async () => {
    expect((await http.get('/api/v1/admin/auth/me').expect(401)).body.code).toBe('AUTH_REQUIRED');
    expect((await http.get('/api/v1/admin/auth/me').set('Authorization', 'Bearer not.a.jwt').expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('serves health and the OpenAPI document with the bearer scheme', async () => {
    expect((await http.get('/health').expect(200)).text).toBe('OK');
    expect((await http.get('/api/v1/admin/health').expect(200)).body.status).toBe('ok');
    const doc = (await http.get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.paths['/api/v1/admin/auth/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.TelegramLoginDto.required).toEqual(expect.arrayContaining(['id', 'first_name', 'auth_date', 'hash']));
  });
});

/** The admin panel's sign-in on a developer's machine (README, "Admin panel"): an admin's id alone, never in production. */
describe('admin-api: dev sign-in', () => {
  const boot = (NODE_ENV: string, extra: Record<string, string> = {}) =>
    bootstrapAdminApi(
      testConfig({
        ...extra,
        NODE_ENV,
        BOT_TOKEN,
        BOT_USERNAME: 'genbot_panel_bot',
        ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
        JWT_SECRET: 'd'.repeat(40),
        FILE_URL_SECRET: 'f'.repeat(40),
      }),
      { port: 0 },
    );

  it('outside production: an admin signs in by Telegram id and gets a working session; a non-admin is refused', async () => {
    const app = await boot('development');
    try {
      const http = request(app.getHttpServer());
      expect((await http.get('/api/v1/admin/auth/options').expect(200)).body).toEqual({ botUsername: 'genbot_panel_bot', devLogin: true });
      const login = await http
        .post('/api/v1/admin/auth/dev-login')
        .send({ telegramId: String(ADMIN_ID) })
        .expect(200);
      expect(login.body.admin).toMatchObject({ telegramId: String(ADMIN_ID), role: 'owner' });
      await http.get('/api/v1/admin/admins').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
      await http.post('/api/v1/admin/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
      expect((await http.post('/api/v1/admin/auth/dev-login').send({ telegramId: '31337' }).expect(403)).body.code).toBe('ADMIN_NOT_ALLOWED');
      expect((await http.post('/api/v1/admin/auth/dev-login').send({ telegramId: 'abc' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    } finally {
      await app.close();
    }
  });

  it('from another machine (its address as a trusted proxy reports it): refused with 404 outside production too', async () => {
    const app = await boot('development', { TRUST_PROXY: '127.0.0.1' });
    try {
      const http = request(app.getHttpServer());
      const remote = { 'X-Forwarded-For': '203.0.113.7' };
      expect((await http.get('/api/v1/admin/auth/options').set(remote).expect(200)).body.devLogin).toBe(false);
      expect(
        (
          await http
            .post('/api/v1/admin/auth/dev-login')
            .set(remote)
            .send({ telegramId: String(ADMIN_ID) })
            .expect(404)
        ).body.code,
      ).toBe('NOT_FOUND');
      // The same server, asked from this machine through the proxy.
      await http
        .post('/api/v1/admin/auth/dev-login')
        .set({ 'X-Forwarded-For': '127.0.0.1' })
        .send({ telegramId: String(ADMIN_ID) })
        .expect(200);
    } finally {
      await app.close();
    }
  });

  it('in production: refused with 404 even for an owner, and the panel is told to use the Login Widget', async () => {
    const app = await boot('production');
    try {
      const http = request(app.getHttpServer());
      expect((await http.get('/api/v1/admin/auth/options').expect(200)).body).toEqual({ botUsername: 'genbot_panel_bot', devLogin: false });
      const refused = await http
        .post('/api/v1/admin/auth/dev-login')
        .send({ telegramId: String(ADMIN_ID) })
        .expect(404);
      expect(refused.body).toMatchObject({ code: 'NOT_FOUND' });
      expect(refused.body.accessToken).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
