import Stripe from 'stripe';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig, DomainError } from '@genbot/core';
import { FakeStripe } from '@genbot/testing';
import { StripeAdapter } from './stripe.adapter';

describe('Stripe webhooks: signature checked with stripe.webhooks.constructEvent', () => {
  let fake: FakeStripe;
  let adapter: StripeAdapter;
  let receiver: Server;
  let url: string;

  const adapterFor = (env: Record<string, string | undefined>) => new StripeAdapter(AppConfig.load(env, { readDotenv: false, source: {} }));
  const webhookError = (fn: () => unknown): DomainError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }
    throw new Error('the webhook was accepted');
  };
  const newSession = async (paymentId: string) =>
    (
      await adapter.createPayment({
        paymentId,
        amountMinor: 499,
        currency: 'USD',
        description: 'credits',
        returnUrl: 'https://t.me/genbot',
        idempotencyKey: `${paymentId}-${Date.now()}`,
      })
    ).externalId;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    adapter = adapterFor(fake.env);
    // What the payments controller will do: raw bytes and the header into parseWebhook, 400 on a DomainError.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          const event = adapter.parseWebhook({ rawBody: Buffer.concat(chunks), headers: req.headers });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(event));
        } catch (error) {
          res.writeHead(400).end((error as DomainError).code);
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/payments/stripe/webhook`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('accepts a validly signed checkout.session.completed and names the session and our payment', async () => {
    const sessionId = await newSession('pay-webhook');
    fake.complete(sessionId);

    const answer = await fake.sendEvent(url, 'checkout.session.completed', sessionId);

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      type: 'payment.succeeded',
      gatewayEvent: 'checkout.session.completed',
      externalId: sessionId,
      paymentId: 'pay-webhook',
      eventId: expect.stringMatching(/^evt_/),
    });
  });

  it('maps the session events: unpaid completion and others are ignored, expiry and failed async payment cancel', async () => {
    const sessionId = await newSession('pay-events');
    const parse = (type: string) => {
      const { payload, signature } = fake.signedEvent(type, sessionId);
      return adapter.parseWebhook({ rawBody: payload, headers: { 'stripe-signature': signature } }).type;
    };

    fake.complete(sessionId, { paid: false });
    expect(parse('checkout.session.completed')).toBe('ignored');
    expect(parse('checkout.session.async_payment_succeeded')).toBe('payment.succeeded');
    expect(parse('checkout.session.async_payment_failed')).toBe('payment.canceled');
    expect(parse('checkout.session.expired')).toBe('payment.canceled');
    expect(parse('customer.created')).toBe('ignored');
  });

  it('refuses an event signed with another secret', async () => {
    const sessionId = await newSession('pay-wrong-secret');

    expect(await fake.sendEvent(url, 'checkout.session.completed', sessionId, { secret: 'whsec_someone_else' })).toEqual({
      status: 400,
      body: 'PAYMENT_WEBHOOK_INVALID',
    });
  });

  it('refuses a body changed after signing (a forged amount or session)', async () => {
    const sessionId = await newSession('pay-forged');
    fake.complete(sessionId);
    const { payload, signature } = fake.signedEvent('checkout.session.completed', sessionId);
    const forged = payload.replace(sessionId, 'cs_test_attacker');

    expect(webhookError(() => adapter.parseWebhook({ rawBody: forged, headers: { 'stripe-signature': signature } })).code).toBe('PAYMENT_WEBHOOK_INVALID');
    // Re-serialising the JSON changes the bytes too: only the raw body verifies.
    const reformatted = JSON.stringify(JSON.parse(payload), null, 2);
    expect(webhookError(() => adapter.parseWebhook({ rawBody: reformatted, headers: { 'stripe-signature': signature } })).code).toBe('PAYMENT_WEBHOOK_INVALID');
  });

  it('refuses a replay signed more than 300 s ago, and accepts one signed 299 s ago', async () => {
    const sessionId = await newSession('pay-stale');
    const now = Math.floor(Date.now() / 1000);

    expect(await fake.sendEvent(url, 'checkout.session.completed', sessionId, { timestamp: now - 301 })).toEqual({
      status: 400,
      body: 'PAYMENT_WEBHOOK_INVALID',
    });
    expect((await fake.sendEvent(url, 'checkout.session.completed', sessionId, { timestamp: now - 299 })).status).toBe(200);
  });

  it('refuses a call without a signature, or with a garbled one', () => {
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', data: { object: {} } });

    expect(webhookError(() => adapter.parseWebhook({ rawBody: body, headers: {} })).message).toContain('Stripe-Signature');
    expect(webhookError(() => adapter.parseWebhook({ rawBody: body, headers: { 'stripe-signature': 't=1,v1=00' } })).code).toBe('PAYMENT_WEBHOOK_INVALID');
  });

  it('cannot verify anything without STRIPE_WEBHOOK_SECRET', () => {
    const unset = adapterFor({ STRIPE_SECRET_KEY: fake.secretKey, STRIPE_BASE_URL: fake.baseUrl });
    expect(webhookError(() => unset.parseWebhook({ rawBody: '{}', headers: { 'stripe-signature': 't=1,v1=00' } })).code).toBe(
      'PAYMENT_PROVIDER_NOT_CONFIGURED',
    );
  });
});

describe('Stripe charge.refunded', () => {
  const secret = 'whsec_charge_refunded_test';
  const adapter = new StripeAdapter(AppConfig.load({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: secret }, { readDotenv: false, source: {} }));
  const parse = (object: Record<string, unknown>) => {
    const payload = JSON.stringify({ id: 'evt_refund_1', object: 'event', type: 'charge.refunded', data: { object } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return adapter.parseWebhook({ rawBody: payload, headers: { 'stripe-signature': signature } });
  };

  it('names our payment through the metadata the Charge inherits from the PaymentIntent', () => {
    expect(parse({ id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount_refunded: 499, metadata: { payment_id: 'p-1' } })).toEqual({
      type: 'refund.succeeded',
      gatewayEvent: 'charge.refunded',
      externalId: '',
      eventId: 'evt_refund_1',
      paymentId: 'p-1',
    });
  });

  it('ignores a charge that is not ours', () => {
    expect(parse({ id: 'ch_2', object: 'charge', metadata: {} }).type).toBe('ignored');
  });
});
