import { AppConfig, DomainError } from '@genbot/core';
import { FakeStripe } from '@genbot/testing';
import { CreateGatewayPayment } from '../../../application/ports/payment-gateway';
import { StripeAdapter } from './stripe.adapter';

describe('StripeAdapter (official client) against the Stripe protocol fake', () => {
  let fake: FakeStripe;
  let adapter: StripeAdapter;
  let seq = 0;

  const adapterFor = (env: Record<string, string | undefined>) => new StripeAdapter(AppConfig.load(env, { readDotenv: false, source: {} }));
  const order = (over: Partial<CreateGatewayPayment> = {}): CreateGatewayPayment => {
    seq += 1;
    return {
      paymentId: `pay-${seq}`,
      amountMinor: 499,
      currency: 'USD',
      description: '100 credits',
      returnUrl: 'https://t.me/genbot?start=paid',
      cancelUrl: 'https://t.me/genbot?start=cancel',
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
  const paidSession = async () => {
    const created = await adapter.createPayment(order());
    fake.complete(created.externalId);
    return created.externalId;
  };

  beforeAll(async () => {
    fake = await FakeStripe.start();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor(fake.env);
  });
  afterAll(() => fake.close());

  it('creates a Checkout Session in payment mode and answers with its URL', async () => {
    const created = await adapter.createPayment(order({ paymentId: 'pay-created', idempotencyKey: 'key-created' }));

    expect(created).toEqual({
      externalId: expect.stringMatching(/^cs_test_/),
      status: 'pending',
      confirmationUrl: `${fake.baseUrl}/c/pay/${created.externalId}`,
    });
    const [call] = fake.calls();
    expect(call).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      authorization: `Bearer ${fake.secretKey}`,
      idempotencyKey: 'key-created',
      params: {
        mode: 'payment',
        line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '499', product_data: { name: '100 credits' } } }],
        success_url: 'https://t.me/genbot?start=paid',
        cancel_url: 'https://t.me/genbot?start=cancel',
        client_reference_id: 'pay-created',
        metadata: { user_id: '42', payment_id: 'pay-created' },
        payment_intent_data: { metadata: { user_id: '42', payment_id: 'pay-created' } },
      },
    });
  });

  it('sends kopecks as Stripe minor units and cancels back to the return URL when no cancel URL is given', async () => {
    await adapter.createPayment(order({ amountMinor: 10050, currency: 'RUB', cancelUrl: undefined }));

    expect(fake.calls()[0].params).toMatchObject({
      line_items: [{ price_data: { currency: 'rub', unit_amount: '10050' } }],
      cancel_url: 'https://t.me/genbot?start=paid',
    });
  });

  it('gets the same session back for a repeated idempotency key (Stripe replays it)', async () => {
    const input = order();
    const first = await adapter.createPayment(input);
    const again = await adapter.createPayment(input);

    expect(again).toEqual(first);
    expect(fake.calls().map((call) => call.replayed)).toEqual([false, true]);
  });

  it('reads an open session as pending, then succeeded once paid, in minor units with the upper-case currency', async () => {
    const created = await adapter.createPayment(order({ amountMinor: 10050, currency: 'RUB' }));

    expect(await adapter.fetchPayment(created.externalId)).toMatchObject({ status: 'pending', paid: false, amountMinor: 10050, currency: 'RUB' });
    fake.complete(created.externalId);
    expect(await adapter.fetchPayment(created.externalId)).toEqual({
      externalId: created.externalId,
      status: 'succeeded',
      paid: true,
      amountMinor: 10050,
      currency: 'RUB',
      metadata: { user_id: '42', payment_id: `pay-${seq}` },
      refundedMinor: 0,
    });
  });

  it('reads a completed but unpaid session as pending and an expired one as canceled', async () => {
    const delayed = await adapter.createPayment(order());
    const abandoned = await adapter.createPayment(order());
    fake.complete(delayed.externalId, { paid: false });
    fake.expire(abandoned.externalId);

    expect(await adapter.fetchPayment(delayed.externalId)).toMatchObject({ status: 'pending', paid: false });
    expect(await adapter.fetchPayment(abandoned.externalId)).toMatchObject({ status: 'canceled', paid: false });
  });

  it('refunds through the PaymentIntent once per key, and reports the refunded amount', async () => {
    const sessionId = await paidSession();

    const refund = await adapter.refund(sessionId, 200, 'refund-1');
    const repeated = await adapter.refund(sessionId, 200, 'refund-1');

    expect(refund).toEqual({ refundId: expect.stringMatching(/^re_/), status: 'succeeded' });
    expect(repeated).toEqual(refund);
    const refundCall = fake.calls().find((call) => call.path === '/v1/refunds');
    expect(refundCall).toMatchObject({ idempotencyKey: 'refund-1', params: { payment_intent: expect.stringMatching(/^pi_/), amount: '200' } });
    expect(await adapter.fetchPayment(sessionId)).toMatchObject({ refundedMinor: 200 });
  });

  it('reports refunds Stripe refuses (unpaid session, too much) as PAYMENT_PROVIDER_REJECTED', async () => {
    const unpaid = await adapter.createPayment(order());
    const sessionId = await paidSession();

    expect((await domainError(adapter.refund(unpaid.externalId, 100, 'refund-unpaid'))).code).toBe('PAYMENT_PROVIDER_REJECTED');
    expect(await domainError(adapter.refund(sessionId, 500, 'refund-too-much'))).toMatchObject({
      code: 'PAYMENT_PROVIDER_REJECTED',
      details: { gateway: 'stripe', status: 400, providerCode: 'amount_too_large' },
    });
  });

  it.each([500, 503, 429])('turns a %i answer into PAYMENT_PROVIDER_UNAVAILABLE, and the retry with the same key creates one session', async (status) => {
    const input = order();
    fake.failNext(status);

    expect((await domainError(adapter.createPayment(input))).code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    await adapter.createPayment(input);
    await adapter.createPayment(input);
    expect(fake.calls().map((call) => [call.status, call.replayed])).toEqual([
      [status, false],
      [200, false],
      [200, true],
    ]);
  });

  it('turns a cut connection and a timeout into PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    const quick = adapterFor({ ...fake.env, PAYMENT_GATEWAY_TIMEOUT_MS: '200' });
    // The client reconnects once after a reset connection by itself, so the cut happens twice.
    fake.failNext('drop', 2);
    expect((await domainError(quick.createPayment(order()))).code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');

    fake.failNext('hang');
    const timedOut = await domainError(quick.fetchPayment('cs_test_unanswered'));
    expect(timedOut.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect(timedOut.message).toMatch(/timeout/i);
  });

  it('treats a wrong key as unavailable, a missing one as not configured, an unknown session as rejected', async () => {
    const wrong = adapterFor({ ...fake.env, STRIPE_SECRET_KEY: 'sk_test_wrong' });
    const unset = adapterFor({ STRIPE_BASE_URL: fake.baseUrl });

    expect(await domainError(wrong.createPayment(order()))).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', details: { status: 401 } });
    expect(unset.isConfigured()).toBe(false);
    expect((await domainError(unset.createPayment(order()))).code).toBe('PAYMENT_PROVIDER_NOT_CONFIGURED');
    expect(await domainError(adapter.fetchPayment('cs_test_nobody'))).toMatchObject({ code: 'PAYMENT_PROVIDER_REJECTED', details: { status: 404 } });
  });
});
