import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DiscountOffersService } from '@genbot/growth';
import { verifyLedger } from '@genbot/ledger';
import { StarsPaymentsService } from '@genbot/payments';
import { FakeTelegramApi, FakeYooKassa, TEST_API_KEY, freePort, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../src/bootstrap';

/**
 * Seed 003's one-time discount at purchase: the offered tariff bought by card or in Stars costs
 * `percent` less, once, whatever the concurrency; a payment never paid gives the offer back.
 */
describe('payments: the one-time discount offer', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let yookassa: FakeYooKassa;
  let telegram: FakeTelegramApi;
  let base: string;
  let db: DataSource;

  beforeAll(async () => {
    [yookassa, telegram] = await Promise.all([FakeYooKassa.start(), FakeTelegramApi.start()]);
    const port = await freePort();
    app = await bootstrapPublicApi(
      testConfig({ ...yookassa.env, BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, PUBLIC_API_PORT: String(port) }),
      { port },
    );
    base = `http://127.0.0.1:${port}`;
    http = request(app.getHttpServer());
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([yookassa.close(), telegram.close()]);
  });

  const service = (method: 'get' | 'post', path: string) => http[method](`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY);
  const intent = (body: Record<string, unknown>, key: string) => service('post', 'payments/intents').set('Idempotency-Key', key).send(body);
  const balance = async (userId: string) => (await service('get', `users/${userId}/balance`).expect(200)).body.balanceTokens as number;
  /** A user who was offered 30 % off credits-1000 (9900 kopecks, 70 ⭐), as the worker's offer would leave them. */
  const offeredUser = async (validHours = 48) => {
    const { user } = await app.get(UsersService).register({ telegramId: String(uniqueTelegramId()) });
    await db.query(
      `INSERT INTO discount_offers (user_id, tariff_id, percent, expires_at)
       SELECT $1, id, 30, now() + make_interval(hours => $2) FROM tariffs WHERE slug = 'credits-1000'`,
      [user.id, validHours],
    );
    return user;
  };
  const offer = (userId: string) => app.get(DiscountOffersService).active(userId);

  it('charges the discounted price to exactly one of ten payments made at once, and a retry of it the same', async () => {
    const user = await offeredUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `disc-${user.id}-${i}`).expect(201),
      ),
    );
    const amounts = results.map((res) => res.body.amountRub as number).sort((a, b) => a - b);
    expect(amounts).toEqual([69.3, ...Array(9).fill(99)]);
    const discounted = results.find((res) => res.body.amountRub === 69.3)!;
    expect(yookassa.payment(discounted.body.reference)?.amount).toEqual({ value: '69.30', currency: 'RUB' });
    expect(await offer(user.id)).toBeUndefined();
    const [row] = await db.query(`SELECT payment_id FROM discount_offers WHERE user_id = $1`, [user.id]);
    expect(row.payment_id).toBe(discounted.body.id);

    // The same request again (stating the list price, as seed 001's clients do) is the same discounted payment.
    const index = results.indexOf(discounted);
    const retry = await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `disc-${user.id}-${index}`).expect(201);
    expect(retry.body).toEqual(discounted.body);

    // Paid: the full 1000 credits for 69.30 roubles.
    yookassa.markSucceeded(discounted.body.reference);
    await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.succeeded', discounted.body.reference);
    expect(await balance(user.id)).toBe(1000);
  });

  it('accepts the discounted amount stated by the client, refuses any other, and leaves other tariffs and users at full price', async () => {
    const user = await offeredUser();
    expect((await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 50 }, `odd-${user.id}`).expect(400)).body.code).toBe(
      'PAYMENT_INVALID',
    );
    expect(await offer(user.id)).toMatchObject({ percent: 30 });
    // Another seeded tariff: its own price, and the offer stays.
    const other = await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-3000', amountRub: 290 }, `other-${user.id}`).expect(201);
    expect(other.body.amountRub).toBe(290);
    expect(await offer(user.id)).toMatchObject({ percent: 30 });
    const stated = await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 69.3 }, `stated-${user.id}`).expect(201);
    expect(stated.body.amountRub).toBe(69.3);
    const stranger = await app.get(UsersService).register({ telegramId: String(uniqueTelegramId()) });
    expect(
      (await intent({ userId: stranger.user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `stranger-${stranger.user.id}`).expect(201)).body
        .amountRub,
    ).toBe(99);
  });

  it('gives the offer back when the discounted payment is canceled, and an expired offer discounts nothing', async () => {
    const user = await offeredUser();
    const first = await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `cancel-${user.id}`).expect(201);
    expect(first.body.amountRub).toBe(69.3);
    yookassa.markCanceled(first.body.reference);
    await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.canceled', first.body.reference);
    expect(await offer(user.id)).toMatchObject({ percent: 30, usedAt: null });
    const second = await intent({ userId: user.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `again-${user.id}`).expect(201);
    expect(second.body.amountRub).toBe(69.3);

    const late = await offeredUser(0);
    expect((await intent({ userId: late.id, provider: 'yookassa', plan: 'credits-1000', amountRub: 99 }, `late-${late.id}`).expect(201)).body.amountRub).toBe(
      99,
    );
  });

  it('discounts a Stars invoice for the offered tariff once: Telegram’s pre-checkout and the credit take the discounted amount', async () => {
    const user = await offeredUser();
    const stars = app.get(StarsPaymentsService);
    const [a, b] = await Promise.all([stars.createInvoice(user, 'credits-1000'), stars.createInvoice(user, 'credits-1000')]);
    expect([a.stars, b.stars].sort((x, y) => x - y)).toEqual([49, 70]);
    const cheap = a.stars === 49 ? a : b;
    const query = { from: { id: user.telegramId }, currency: 'XTR', total_amount: 49, invoice_payload: cheap.payload };
    expect(await stars.preCheckout(query)).toEqual({ ok: true });
    await stars.settle({ currency: 'XTR', total_amount: 49, invoice_payload: cheap.payload, telegram_payment_charge_id: `charge-${user.id}` });
    expect(await balance(user.id)).toBe(1000);
  });

  it('leaves the ledger consistent', async () => {
    expect(await verifyLedger(db)).toBeUndefined();
  });
});
