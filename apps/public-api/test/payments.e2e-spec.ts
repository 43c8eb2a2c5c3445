import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { verifyLedger } from '@genbot/ledger';
import { PaymentsService } from '@genbot/payments';
import { FakeStripe, FakeTelegramApi, FakeYooKassa, TEST_API_KEY, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

describe('public-api: payments (YooKassa, Stripe, Telegram Stars), tariffs, referral rewards', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let yookassa: FakeYooKassa;
  let stripe: FakeStripe;
  let telegram: FakeTelegramApi;
  let payments: PaymentsService;
  let db: DataSource;
  let base: string;

  beforeAll(async () => {
    [yookassa, stripe, telegram] = await Promise.all([FakeYooKassa.start(), FakeStripe.start(), FakeTelegramApi.start()]);
    const port = await freePort();
    app = await bootstrapPublicApi(
      testConfig({ ...yookassa.env, ...stripe.env, BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, PUBLIC_API_PORT: String(port) }),
      { port },
    );
    base = `http://127.0.0.1:${port}`;
    http = request(app.getHttpServer());
    payments = app.get(PaymentsService);
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([yookassa.close(), stripe.close(), telegram.close()]);
  });

  const service = (method: 'get' | 'post', path: string) => http[method](`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY);
  const newUser = async (refCode?: string) => {
    const res = await service('post', 'users/register-or-login')
      .send({ telegramId: String(uniqueTelegramId()), ...(refCode ? { refCode } : {}) })
      .expect(200);
    const welcome = res.body.balanceTokens as number;
    if (welcome > 0) await service('post', 'credits/spend').send({ userId: res.body.id, amount: welcome, reason: 'reset' }).expect(200);
    return { id: res.body.id as string, telegramId: res.body.telegramId as string, refCode: res.body.refCode as string };
  };
  const balance = async (userId: string) => (await service('get', `users/${userId}/balance`).expect(200)).body.balanceTokens as number;
  const intent = (body: Record<string, unknown>, key?: string) => {
    const req = service('post', 'payments/intents');
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const miniApp = (telegramId: string) => ({ 'X-Telegram-Init-Data': signInitData(telegram.token, { user: { id: Number(telegramId), first_name: 'Ann' } }) });
  const times = <T>(n: number, fn: () => Promise<T>) => Promise.all(Array.from({ length: n }, fn));
  const sequentially = async (n: number, fn: () => Promise<unknown>) => {
    for (let i = 0; i < n; i++) await fn();
  };

  it('lists tariffs as seed 001 Tariffs and Stars options at 70 ⭐ per 1000 credits', async () => {
    const tariffs = (await service('get', 'tariffs').expect(200)).body;
    expect(tariffs.find((t: { name: string }) => t.name === 'credits-1000')).toEqual({
      id: expect.any(String),
      name: 'credits-1000',
      title: '1000 кредитов',
      monthlyTokens: 1000,
      costRub: 99,
      currency: 'RUB',
      createdAt: expect.any(String),
    });
    const user = await newUser();
    const options = (await http.get('/api/v1/payments/stars/options').set(miniApp(user.telegramId)).expect(200)).body;
    expect(options.stars_per_1000_credits).toBe(70);
    // Other suites add tariffs of their own to the shared database: find the seeded one by slug.
    expect(options.options.find((o: { slug: string }) => o.slug === 'credits-1000')).toMatchObject({ slug: 'credits-1000', credits: 1000, stars: 70 });
  });

  describe('YooKassa', () => {
    const hook = `/api/v1/webhooks/payments/yookassa`;

    it('credits once however often and however concurrently the notification arrives, and shows the purchase', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 99, provider: 'yookassa', plan: 'credits-1000' }, 'yk-once-' + user.id).expect(201);
      expect(created.body).toMatchObject({ provider: 'yookassa', amountRub: 99, currency: 'RUB', paymentUrl: expect.stringMatching(/^https?:/) });
      const again = await intent({ userId: user.id, amountRub: 99, provider: 'yookassa', plan: 'credits-1000' }, 'yk-once-' + user.id).expect(201);
      expect(again.body.id).toBe(created.body.id);

      yookassa.markSucceeded(created.body.reference);
      await sequentially(5, async () => expect((await yookassa.sendNotification(base + hook, 'payment.succeeded', created.body.reference)).status).toBe(200));
      const concurrent = await times(5, () => yookassa.sendNotification(base + hook, 'payment.succeeded', created.body.reference));
      expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await balance(user.id)).toBe(1000);

      const transactions = (await service('get', `transactions?userId=${user.id}`).expect(200)).body;
      expect(transactions).toEqual([
        expect.objectContaining({
          type: 'gateway_payment',
          provider: 'yookassa',
          status: 'success',
          amountRub: 99,
          currency: 'RUB',
          plan: 'credits-1000',
          tokensDelta: 1000,
        }),
      ]);
    });

    it('marks a canceled payment; refuses a reused Idempotency-Key, an unknown user and a plan at another price', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 15 }, 'yk-cancel-' + user.id).expect(201);
      yookassa.markCanceled(created.body.reference);
      expect((await yookassa.sendNotification(base + hook, 'payment.canceled', created.body.reference)).status).toBe(200);
      expect((await payments.get(created.body.id))?.status).toBe('canceled');
      expect((await intent({ userId: user.id, amountRub: 16 }, 'yk-cancel-' + user.id).expect(409)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await intent({ userId: '00000000-0000-4000-8000-00000000dead', amountRub: 1 }).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await intent({ userId: user.id, amountRub: 1, plan: 'credits-1000' }).expect(400)).body.code).toBe('PAYMENT_INVALID');
      expect((await intent({ userId: user.id, amountRub: 1, plan: 'no-such-plan' }).expect(404)).body.code).toBe('TARIFF_NOT_FOUND');
      expect(await balance(user.id)).toBe(0);
    });

    it('ignores a forged "succeeded" notification while YooKassa says pending, and unknown payments', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 50 }).expect(201);
      const forged = yookassa.notification('payment.succeeded', created.body.reference) as { object: Record<string, unknown> };
      forged.object.status = 'succeeded';
      forged.object.paid = true;
      await http.post(hook).send(forged).expect(200);
      expect(await balance(user.id)).toBe(0);
      const unknown = { ...forged, object: { ...forged.object, id: '2f000000-000f-5000-9000-000000000000' } };
      await http.post(hook).send(unknown).expect(200);
      expect(await balance(user.id)).toBe(0);
    });

    it('answers 502 when YooKassa is down and leaves no payment behind', async () => {
      const user = await newUser();
      yookassa.failNext(503, 5);
      const res = await intent({ userId: user.id, amountRub: 10 }).expect(502);
      expect(res.body.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
      yookassa.reset();
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM payments WHERE user_id = $1`, [user.id]);
      expect(count).toBe(0);
    });

    it('credits a payment whose notification was lost on reconciliation, marks cancellations, expires the unpaid', async () => {
      const user = await newUser();
      const paid = await intent({ userId: user.id, amountRub: 20 }).expect(201);
      const canceled = await intent({ userId: user.id, amountRub: 30 }).expect(201);
      const abandoned = await intent({ userId: user.id, amountRub: 40 }).expect(201);
      yookassa.markSucceeded(paid.body.reference);
      yookassa.markCanceled(canceled.body.reference);
      await db.query(`UPDATE payments SET created_at = now() - interval '5 minutes' WHERE user_id = $1`, [user.id]);
      await db.query(`UPDATE payments SET expires_at = now() - interval '1 minute' WHERE id = $1`, [abandoned.body.id]);

      const report = await payments.reconcile();
      expect(report.credited).toContain(paid.body.id);
      expect(report.canceled).toContain(canceled.body.id);
      expect(report.expired).toContain(abandoned.body.id);
      expect(await balance(user.id)).toBe(200);
      const again = await payments.reconcile();
      expect(again.credited).not.toContain(paid.body.id);
      expect(await balance(user.id)).toBe(200);
    });

    it('reverses a refund once', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 99, plan: 'credits-1000' }).expect(201);
      yookassa.markSucceeded(created.body.reference);
      await yookassa.sendNotification(base + hook, 'payment.succeeded', created.body.reference);
      yookassa.refund(created.body.reference);
      await times(3, () => yookassa.sendNotification(base + hook, 'refund.succeeded', created.body.reference));
      expect(await balance(user.id)).toBe(0);
    });
  });

  describe('Stripe', () => {
    const hook = () => `${base}/api/v1/webhooks/payments/stripe`;

    it('credits checkout.session.completed once over 5 sequential and 5 concurrent deliveries, reverses charge.refunded', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 99, provider: 'stripe', plan: 'credits-1000' }).expect(201);
      stripe.complete(created.body.reference);
      const event = stripe.signedEvent('checkout.session.completed', created.body.reference);
      const send = () =>
        fetch(hook(), { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': event.signature }, body: event.payload });
      await sequentially(5, async () => expect((await send()).status).toBe(200));
      expect((await times(5, send)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // Fresh event ids for the same session: still one credit.
      await times(3, () => stripe.sendEvent(hook(), 'checkout.session.completed', created.body.reference));
      expect(await balance(user.id)).toBe(1000);

      stripe.refund(created.body.reference);
      expect((await stripe.sendEvent(hook(), 'charge.refunded', created.body.reference)).status).toBe(200);
      expect(await balance(user.id)).toBe(0);
    });

    it('credits a delayed payment on async_payment_succeeded, not on its unpaid completion', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 10, provider: 'stripe' }).expect(201);
      stripe.complete(created.body.reference, { paid: false });
      expect((await stripe.sendEvent(hook(), 'checkout.session.completed', created.body.reference)).status).toBe(200);
      expect(await balance(user.id)).toBe(0);
      stripe.complete(created.body.reference);
      expect((await stripe.sendEvent(hook(), 'checkout.session.async_payment_succeeded', created.body.reference)).status).toBe(200);
      expect(await balance(user.id)).toBe(100);
    });

    it('refuses forged and stale signatures with 400 and bodies over 1 MB with 413, crediting nothing', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 10, provider: 'stripe' }).expect(201);
      stripe.complete(created.body.reference);
      const events = async () => (await db.query(`SELECT count(*)::int AS count FROM payment_events`))[0].count as number;
      const eventsBefore = await events();
      expect((await stripe.sendEvent(hook(), 'checkout.session.completed', created.body.reference, { secret: 'whsec_forged' })).status).toBe(400);
      const stale = Math.floor(Date.now() / 1000) - 3600;
      expect((await stripe.sendEvent(hook(), 'checkout.session.completed', created.body.reference, { timestamp: stale })).status).toBe(400);
      const huge = await fetch(hook(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
      });
      expect(huge.status).toBe(413);
      expect(await balance(user.id)).toBe(0);
      expect(await events()).toBe(eventsBefore);
      expect((await payments.get(created.body.id))?.status).toBe('pending');
    });
  });

  describe('Telegram Stars', () => {
    it('confirm → invoice link; pre-checkout; settles three times → one credit; refund reverses', async () => {
      const user = await newUser();
      const confirm = await http.post('/api/v1/payments/stars/confirm').set(miniApp(user.telegramId)).send({ tariff_id: 'credits-1000' }).expect(200);
      expect(confirm.body).toMatchObject({ invoice_link: expect.stringMatching(/^https:\/\/t\.me\//), stars: 70, credits: 1000 });
      const link = telegram.calls('createInvoiceLink').at(-1)!;
      expect(link.params).toMatchObject({ currency: 'XTR', provider_token: '' });
      const payload = `pay:${confirm.body.payment_id}`;

      expect(await payments.preCheckout({ from: { id: user.telegramId }, currency: 'XTR', total_amount: 70, invoice_payload: payload })).toEqual({ ok: true });
      const wrong = await payments.preCheckout({ from: { id: user.telegramId }, currency: 'XTR', total_amount: 1, invoice_payload: payload });
      expect(wrong.ok).toBe(false);

      const paid = { currency: 'XTR', total_amount: 70, invoice_payload: payload, telegram_payment_charge_id: `charge-${user.id}` };
      await payments.settleStars(paid);
      await Promise.all([payments.settleStars(paid), payments.settleStars(paid)]);
      expect(await balance(user.id)).toBe(1000);

      await payments.refundStars(confirm.body.payment_id);
      expect(await balance(user.id)).toBe(0);
      expect(telegram.calls('refundStarPayment').at(-1)!.params).toMatchObject({ telegram_payment_charge_id: paid.telegram_payment_charge_id });
      await expect(payments.refundStars(confirm.body.payment_id)).rejects.toMatchObject({ code: 'PAYMENT_NOT_REFUNDABLE' });
    });

    it('sells Stars through a seed 001 intent with provider telegram; pre-checkout refuses a banned user', async () => {
      const user = await newUser();
      const created = await intent({ userId: user.id, amountRub: 99, provider: 'telegram', plan: 'credits-1000' }).expect(201);
      expect(created.body).toMatchObject({ provider: 'telegram', currency: 'XTR', paymentUrl: expect.stringMatching(/^https:\/\/t\.me\//) });
      await db.query(`UPDATE users SET is_banned = true WHERE id = $1`, [user.id]);
      const refused = await payments.preCheckout({ from: { id: user.telegramId }, currency: 'XTR', total_amount: 70, invoice_payload: created.body.reference });
      expect(refused.ok).toBe(false);
    });

    it('pre-checkout refuses a deactivated tariff; a refund of spent credits needs force', async () => {
      const user = await newUser();
      const slug = `test-${user.id.slice(0, 8)}`;
      await db.query(`INSERT INTO tariffs (slug, title, credits, prices) VALUES ($1, '{"uz":"t","ru":"т","en":"t"}', 500, '{"XTR":35}')`, [slug]);
      const confirm = await http.post('/api/v1/payments/stars/confirm').set(miniApp(user.telegramId)).send({ tariff_id: slug }).expect(200);
      const payload = `pay:${confirm.body.payment_id}`;
      await db.query(`UPDATE tariffs SET active = false WHERE slug = $1`, [slug]);
      const refused = await payments.preCheckout({ from: { id: user.telegramId }, currency: 'XTR', total_amount: 35, invoice_payload: payload });
      expect(refused).toEqual({ ok: false, reason: expect.stringContaining('no longer') });

      await db.query(`UPDATE tariffs SET active = true WHERE slug = $1`, [slug]);
      await payments.settleStars({ currency: 'XTR', total_amount: 35, invoice_payload: payload, telegram_payment_charge_id: `charge-${user.id}` });
      await service('post', 'credits/spend').send({ userId: user.id, amount: 400, reason: 'generation' }).expect(200);
      await expect(payments.refundStars(confirm.body.payment_id)).rejects.toMatchObject({ code: 'PAYMENT_CREDITS_SPENT' });
      expect(await balance(user.id)).toBe(100);
      await payments.refundStars(confirm.body.payment_id, { force: true });
      expect(await balance(user.id)).toBe(0);
    });
  });

  it('rewards the inviter ceil(10 %) once per payment and reports paidCount / earnedCredits', async () => {
    const inviter = await newUser();
    const invitee = await newUser(inviter.refCode);
    const first = await intent({ userId: invitee.id, amountRub: 99, plan: 'credits-1000' }).expect(201);
    const second = await intent({ userId: invitee.id, amountRub: 0.55 }).expect(201);
    for (const p of [first, second]) yookassa.markSucceeded(p.body.reference);
    for (const p of [first, second, first, second])
      await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.succeeded', p.body.reference);
    // 1000 credits → 100; 0.55 RUB → 5 credits → ceil(0.5) = 1.
    expect(await balance(inviter.id)).toBe(101);
    const referrals = await http.get(`/api/v1/referrals/${inviter.telegramId}`).set(miniApp(inviter.telegramId)).expect(200);
    expect(referrals.body).toMatchObject({ invitedCount: 1, paidCount: 1, earnedCredits: 101 });
  });

  it('creates a YooKassa payment through seed 003’s create_payment with its api-key header', async () => {
    const user = await newUser();
    const res = await http
      .post(`/compat/ozhivlyator/users/${user.telegramId}/create_payment`)
      .set('api-key', TEST_API_KEY)
      .send({ item_name: "Пакет '10 Оживашек'", quantity: 2, price: 50 })
      .expect(200);
    expect(res.body).toEqual({ payment_url: expect.stringMatching(/^https?:/), payment_id: expect.any(String) });
    expect(yookassa.payment(res.body.payment_id)?.amount).toEqual({ value: '100.00', currency: 'RUB' });
    await http
      .post(`/compat/ozhivlyator/users/${user.telegramId}/create_payment`)
      .set('api-key', 'wrong')
      .send({ item_name: 'x', quantity: 1, price: 1 })
      .expect(401);
    yookassa.markSucceeded(res.body.payment_id);
    await yookassa.sendNotification(`${base}/api/v1/webhooks/payments/yookassa`, 'payment.succeeded', res.body.payment_id);
    expect(await balance(user.id)).toBe(1000);
  });

  it('leaves the ledger consistent', async () => {
    expect(await verifyLedger(db)).toBeUndefined();
  });
});
