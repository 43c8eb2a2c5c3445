import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { signLoginWidget, sweepMalformedInput, testConfig } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-malformed-test_00000';
const ADMIN_ID = 525252;

/** Issue 7: the unauthenticated login and every admin route answer hostile input with 4xx, never 500. */
describe('admin-api: malformed input', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: String(ADMIN_ID), JWT_SECRET: 'y'.repeat(40) }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const login = (raw: string) => http.post('/api/v1/admin/auth/login').set('Content-Type', 'application/json').send(raw);

  it('refuses a login body nested 10 000 deep with 400 MALFORMED_JSON, before anyone is authenticated', async () => {
    expect((await login('['.repeat(10_000) + ']'.repeat(10_000)).expect(400)).body.code).toBe('MALFORMED_JSON');
    const deepField = JSON.stringify(signLoginWidget(BOT_TOKEN, { id: ADMIN_ID, first_name: 'Ops' })).replace(
      '{',
      `{"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},`,
    );
    expect((await login(deepField).expect(400)).body.code).toBe('MALFORMED_JSON');
  });

  it('refuses NUL, lone surrogates and ids past 2^53 in a login with 400 naming the field', async () => {
    const valid = signLoginWidget(BOT_TOKEN, { id: ADMIN_ID, first_name: 'Ops' });
    for (const [field, raw] of [
      ['first_name', '"O\\u0000ps"'],
      ['first_name', '"\\udc00"'],
      ['id', '1e19'],
      ['auth_date', '99999999999999999999'],
    ]) {
      const body = JSON.stringify({ ...valid, [field]: '__X__' }).replace('"__X__"', raw);
      const res = await login(body).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field }] } });
    }
  });

  // Every route is swept, and each new one adds to it: a minute and a half allowed on a loaded 2-core CI.
  it('answers every route of the OpenAPI document with < 500 for malformed input', async () => {
    const token = (
      await http
        .post('/api/v1/admin/auth/login')
        .send(signLoginWidget(BOT_TOKEN, { id: ADMIN_ID, first_name: 'Ops' }))
        .expect(200)
    ).body.accessToken as string;
    const result = await sweepMalformedInput(http, { auth: { bearer: () => ({ headers: { Authorization: `Bearer ${token}` } }) } });
    expect(result.failures).toEqual([]);
    expect(result.operations).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
