import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FakeTelegramApi, signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapAdminApi } from '../src/bootstrap';

/** Seed 002's broadcast endpoints on admin-api: roles from issue 11, each change audited. Delivery itself is the worker's (apps/worker/test). */
describe('admin-api: broadcasts', () => {
  const owner = uniqueTelegramId();
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let token: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    app = await bootstrapAdminApi(
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'b'.repeat(40) }),
      { port: 0 },
    );
    http = request(app.getHttpServer());
    token = (
      await http
        .post('/api/v1/admin/auth/login')
        .send(signLoginWidget(telegram.token, { id: owner, first_name: 'Owner' }))
        .expect(200)
    ).body.accessToken;
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${token}` });

  it('counts the users a filter reaches (seed 002 users/count), leaving out who blocked the bot', async () => {
    const users = app.get(UsersService);
    const source = `count-${randomUUID().slice(0, 8)}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await users.register({ telegramId: String(uniqueTelegramId()), source })).user);
    await users.setBlocked({ id: made[0].id }, true);

    const count = await http.get(`/api/v1/admin/users/count?filter_type=source&source=${source}`).set(auth()).expect(200);
    expect(count.body).toEqual({ count: 2, filter: { kind: 'source', source } });
    const all = (await http.get('/api/v1/admin/users/count').set(auth()).expect(200)).body;
    expect(all.filter).toEqual({ kind: 'all' });
    expect(all.count).toBeGreaterThanOrEqual(2);

    expect((await http.get('/api/v1/admin/users/count?filter_type=active&days=0').set(auth()).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await http.get('/api/v1/admin/users/count?filter_type=language').set(auth()).expect(400)).body.code).toBe('BROADCAST_INVALID');
    expect((await http.get('/api/v1/admin/users/count?filter_type=everyone').set(auth()).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await http.get('/api/v1/admin/users/count').expect(401);
  });

  it('creates, lists, shows, test-sends to the admin and cancels; create is audited', async () => {
    const created = await http
      .post('/api/v1/admin/broadcasts')
      .set(auth())
      .send({ text: '<b>Hi</b>', buttons: [[{ text: 'Go', url: 'https://t.me/x' }]], filter: { kind: 'language', language: 'uz' } })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'draft', total: 0, sent: 0, failed: 0, blocked: 0, pending: 0, createdBy: String(owner) });
    const publicId: string = created.body.publicId;

    const list = await http.get('/api/v1/admin/broadcasts?limit=5&offset=0').set(auth()).expect(200);
    expect(list.body.items.map((b: { publicId: string }) => b.publicId)).toContain(publicId);
    expect((await http.get(`/api/v1/admin/broadcasts/${publicId}`).set(auth()).expect(200)).body).toMatchObject({ publicId, status: 'draft' });

    await http.post(`/api/v1/admin/broadcasts/${publicId}/test`).set(auth()).expect(200);
    expect(telegram.deliveredTo(owner)).toBe(1);
    expect(telegram.lastCall('sendMessage')?.params).toMatchObject({
      text: '<b>Hi</b>',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Go', url: 'https://t.me/x' }]] },
    });

    expect((await http.post(`/api/v1/admin/broadcasts/${publicId}/cancel`).set(auth()).expect(200)).body.status).toBe('cancelled');
    expect((await http.post(`/api/v1/admin/broadcasts/${publicId}/start`).set(auth()).expect(409)).body.code).toBe('BROADCAST_WRONG_STATUS');

    const audit = await app.get(DataSource).query(`SELECT action FROM admin_audit_log WHERE target_id = $1 ORDER BY id`, [publicId]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['broadcast.create', 'broadcast.cancel']);
  });

  it('refuses bad input with 400 and names the field, unknown ids with 404, no token with 401', async () => {
    const bad = await http
      .post('/api/v1/admin/broadcasts')
      .set(auth())
      .send({ text: 'x', filter: { kind: 'everyone' } })
      .expect(400);
    expect(bad.body.code).toBeDefined();
    const days = await http
      .post('/api/v1/admin/broadcasts')
      .set(auth())
      .send({ text: 'x', filter: { kind: 'active' } })
      .expect(400);
    expect(days.body.code).toBe('BROADCAST_INVALID');
    expect((await http.get('/api/v1/admin/broadcasts/bc_nope').set(auth()).expect(404)).body.code).toBe('BROADCAST_NOT_FOUND');
    await http.get('/api/v1/admin/broadcasts').expect(401);
  });
});
