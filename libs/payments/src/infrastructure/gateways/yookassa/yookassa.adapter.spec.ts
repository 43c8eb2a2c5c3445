import { AppConfig, DomainError } from '@genbot/core';
import { FakeYooKassa } from '@genbot/testing';
import { CreateGatewayPayment } from '../../../application/ports/payment-gateway';
import { YooKassaAdapter } from './yookassa.adapter';

describe('YooKassaAdapter against the YooKassa protocol fake', () => {
  let fake: FakeYooKassa;
  let adapter: YooKassaAdapter;
  let seq = 0;

  const adapterFor = (env: Record<string, string | undefined>) => new YooKassaAdapter(AppConfig.load(env, { readDotenv: false, source: {} }));
  const order = (over: Partial<CreateGatewayPayment> = {}): CreateGatewayPayment => {
    seq += 1;
    return {
      paymentId: `pay-${seq}`,
      amountMinor: 10050,
      currency: 'RUB',
      description: '100 credits',
      returnUrl: 'https://t.me/genbot?start=paid',
      metadata: { user_id: '42' },
      idempotencyKey: `payment:pay-${seq}`,
      ...over,
    };
  };
  const domainError = async (promise: Promise<unknown>): Promise<DomainError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  beforeAll(async () => {
    fake = await FakeYooKassa.start();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor(fake.env);
  });
  afterAll(() => fake.close());

  it('creates a redirect payment and answers with its confirmation URL', async () => {
    const created = await adapter.createPayment(order({ paymentId: 'pay-created', idempotencyKey: 'key-created' }));

    expect(created).toEqual({ externalId: expect.any(String), status: 'pending', confirmationUrl: expect.stringContaining(created.externalId) });
    const [call] = fake.calls();
    expect(call).toMatchObject({
      method: 'POST',
      path: '/v3/payments',
      status: 200,
      idempotenceKey: 'key-created',
      authorization: `Basic ${Buffer.from(`${fake.shopId}:${fake.secretKey}`).toString('base64')}`,
      body: {
        amount: { value: '100.50', currency: 'RUB' },
        capture: true,
        confirmation: { type: 'redirect', return_url: 'https://t.me/genbot?start=paid' },
        description: '100 credits',
        metadata: { user_id: '42', payment_id: 'pay-created' },
      },
    });
  });

  it('formats kopecks as YooKassa decimals and cuts descriptions to 128 characters', async () => {
    await adapter.createPayment(order({ amountMinor: 100, description: 'x'.repeat(200) }));
    await adapter.createPayment(order({ amountMinor: 7 }));

    const [whole, kopecks] = fake.calls();
    expect(whole.body).toMatchObject({ amount: { value: '1.00', currency: 'RUB' }, description: 'x'.repeat(128) });
    expect(kopecks.body).toMatchObject({ amount: { value: '0.07', currency: 'RUB' } });
  });

  it('gets the same payment back for a repeated idempotency key', async () => {
    const input = order();
    const first = await adapter.createPayment(input);
    const again = await adapter.createPayment(input);

    expect(again).toEqual(first);
    expect(fake.calls().map((call) => call.idempotenceKey)).toEqual([input.idempotencyKey, input.idempotencyKey]);
  });

  it('reads a payment as pending, then succeeded and paid after the payer pays, amount in minor units', async () => {
    const created = await adapter.createPayment(order());

    expect(await adapter.fetchPayment(created.externalId)).toMatchObject({ status: 'pending', paid: false, amountMinor: 10050, currency: 'RUB' });
    fake.markSucceeded(created.externalId);
    expect(await adapter.fetchPayment(created.externalId)).toEqual({
      externalId: created.externalId,
      status: 'succeeded',
      paid: true,
      amountMinor: 10050,
      currency: 'RUB',
      metadata: { user_id: '42', payment_id: `pay-${seq}` },
    });
  });

  it('reads a canceled payment as canceled', async () => {
    const created = await adapter.createPayment(order());
    fake.markCanceled(created.externalId);

    expect(await adapter.fetchPayment(created.externalId)).toMatchObject({ status: 'canceled', paid: false });
  });

  it('refunds part of a succeeded payment once per key, and reports what was refunded', async () => {
    const created = await adapter.createPayment(order());
    fake.markSucceeded(created.externalId);

    const refund = await adapter.refund(created.externalId, 5025, 'refund-1');
    const repeated = await adapter.refund(created.externalId, 5025, 'refund-1');

    expect(refund).toEqual({ refundId: expect.any(String), status: 'succeeded' });
    expect(repeated).toEqual(refund);
    const refundCalls = fake.calls().filter((call) => call.path === '/v3/refunds');
    expect(refundCalls[0]).toMatchObject({ idempotenceKey: 'refund-1', body: { payment_id: created.externalId, amount: { value: '50.25', currency: 'RUB' } } });
    expect(await adapter.fetchPayment(created.externalId)).toMatchObject({ refundedMinor: 5025 });
  });

  it('reports a refund YooKassa refuses (more than was paid) as PAYMENT_PROVIDER_REJECTED', async () => {
    const created = await adapter.createPayment(order());
    fake.markSucceeded(created.externalId);

    const error = await domainError(adapter.refund(created.externalId, 10051, 'refund-too-much'));
    expect(error.code).toBe('PAYMENT_PROVIDER_REJECTED');
    expect(error.details).toMatchObject({ gateway: 'yookassa', status: 400, providerCode: 'invalid_request' });
  });

  it.each([500, 503, 429])('turns a %i answer into PAYMENT_PROVIDER_UNAVAILABLE, and the retry with the same key creates one payment', async (status) => {
    const input = order();
    fake.failNext(status);

    expect((await domainError(adapter.createPayment(input))).code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    const retried = await adapter.createPayment(input);
    expect(fake.payment(retried.externalId)).toBeDefined();
    expect(fake.calls().filter((call) => call.status === 200)).toHaveLength(1);
  });

  it('turns a dropped connection and a timeout into PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    const quick = adapterFor({ ...fake.env, PAYMENT_GATEWAY_TIMEOUT_MS: '200' });
    fake.failNext('drop');
    fake.failNext('hang');

    const dropped = await domainError(quick.createPayment(order()));
    const timedOut = await domainError(quick.fetchPayment('2f0c1b2a-000f-5000-8000-1b2c3d4e5f60'));

    expect(dropped.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect(timedOut.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect(timedOut.message).toContain('timed out after 200 ms');
  });

  it('treats wrong credentials as the gateway being unavailable to us, and a missing key as not configured', async () => {
    const wrong = adapterFor({ ...fake.env, YOOKASSA_SECRET_KEY: 'not-the-secret' });
    const unset = adapterFor({ YOOKASSA_BASE_URL: fake.baseUrl });

    expect(await domainError(wrong.createPayment(order()))).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', details: { status: 401 } });
    expect(unset.isConfigured()).toBe(false);
    expect((await domainError(unset.createPayment(order()))).code).toBe('PAYMENT_PROVIDER_NOT_CONFIGURED');
    expect(fake.calls()).toHaveLength(1);
  });

  it('reports an unknown payment id as PAYMENT_PROVIDER_REJECTED 404', async () => {
    const error = await domainError(adapter.fetchPayment('00000000-0000-0000-0000-000000000000'));
    expect(error).toMatchObject({ code: 'PAYMENT_PROVIDER_REJECTED', details: { status: 404 } });
  });
});
