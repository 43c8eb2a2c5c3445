import { ALL_QUEUES } from '@genbot/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-queues-test_0000000000';

/** Issue 11: bull-board at /admin/queues, only for an admin's live session. */
describe('admin-api: the queue dashboard', () => {
  const owner = uniqueTelegramId();
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'q'.repeat(40) }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const login = async (id: number) =>
    (
      await http
        .post('/api/v1/admin/auth/login')
        .send(signLoginWidget(BOT_TOKEN, { id, first_name: `Admin ${id}` }))
        .expect(200)
    ).body as { accessToken: string; refreshToken: string };

  it('answers 401 without a session, and with a forged or logged-out token', async () => {
    await http.get('/admin/queues').expect(401);
    await http.get('/admin/queues/api/queues').expect(401);
    await http.get('/admin/queues/api/queues').set('Authorization', 'Bearer not.a.token').expect(401);
    await http.get('/admin/queues').set('Cookie', 'genbot_queues=not.a.token').expect(401);
    await http.post('/admin/queues/session').expect(401);

    const { accessToken, refreshToken } = await login(owner);
    await http.post('/api/v1/admin/auth/logout').send({ refreshToken }).expect(204);
    await http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${accessToken}`).expect(401);
  });

  it('serves the UI and lists every genbot queue to an admin, by Bearer token or by the cookie the session call sets', async () => {
    const { accessToken } = await login(owner);
    const page = await http.get('/admin/queues').set('Authorization', `Bearer ${accessToken}`).expect(200);
    expect(page.text).toContain('<html');

    const session = await http.post('/admin/queues/session').set('Authorization', `Bearer ${accessToken}`).expect(204);
    const cookie = String(session.headers['set-cookie']);
    expect(cookie).toMatch(/^genbot_queues=[^;]+; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    const api = await http.get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]!).expect(200);
    expect((api.body.queues as { name: string }[]).map((queue) => queue.name).sort()).toEqual([...ALL_QUEUES].sort());
  });
});
