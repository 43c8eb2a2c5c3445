import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { FakeYooKassa, TEST_API_KEY, freePort, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

/** YOOKASSA_ALLOWED_IPS: notifications from elsewhere are refused with 403 before anything is read. */
describe('public-api: YooKassa notification allow-list', () => {
  let app: NestFastifyApplication;
  let yookassa: FakeYooKassa;
  let base: string;

  beforeAll(async () => {
    yookassa = await FakeYooKassa.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await bootstrapPublicApi(testConfig({ ...yookassa.env, YOOKASSA_ALLOWED_IPS: '185.71.76.0/27', PUBLIC_API_PORT: String(port) }), { port });
  });
  afterAll(async () => {
    await app.close();
    await yookassa.close();
  });

  it('answers 403 to a notification from outside the list and credits nothing', async () => {
    const http = request(app.getHttpServer());
    const user = (
      await http
        .post('/api/v1/users/register-or-login')
        .set('X-API-Key', TEST_API_KEY)
        .send({ telegramId: String(uniqueTelegramId()) })
        .expect(200)
    ).body;
    const created = await http.post('/api/v1/payments/intents').set('X-API-Key', TEST_API_KEY).send({ userId: user.id, amountRub: 10 }).expect(201);
    yookassa.markSucceeded(created.body.reference);
    const res = await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.succeeded', created.body.reference);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).code).toBe('PAYMENT_WEBHOOK_FORBIDDEN');
    const balance = (await http.get(`/api/v1/users/${user.id}/balance`).set('X-API-Key', TEST_API_KEY).expect(200)).body;
    expect(balance.balanceTokens).toBe(user.balanceTokens);
  });
});
