import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig, DomainError } from '@genbot/core';
import { FakeYooKassa } from '@genbot/testing';
import { assertAllowedSource, parseYooKassaNotification } from './yookassa-notification';
import { YooKassaAdapter } from './yookassa.adapter';

/** YooKassa's published notification ranges (https://yookassa.ru/developers/using-api/webhooks). */
const YOOKASSA_RANGES = ['185.71.76.0/27', '185.71.77.0/27', '77.75.153.0/25', '77.75.156.11', '77.75.156.35', '77.75.154.128/25', '2a02:5180::/32'];

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
};

describe('YooKassa notifications', () => {
  const body = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'notification',
      event: 'payment.succeeded',
      object: { id: 'yk-1', status: 'succeeded', metadata: { payment_id: 'pay-1' } },
      ...over,
    });

  it('says which payment a notification is about, and our payment id from its metadata', () => {
    expect(parseYooKassaNotification(body(), undefined, [])).toEqual({
      type: 'payment.succeeded',
      gatewayEvent: 'payment.succeeded',
      externalId: 'yk-1',
      paymentId: 'pay-1',
    });
    expect(parseYooKassaNotification(body({ event: 'payment.canceled' }), undefined, []).type).toBe('payment.canceled');
    expect(parseYooKassaNotification(body({ event: 'payment.waiting_for_capture' }), undefined, []).type).toBe('ignored');
  });

  it('names the refunded payment, not the refund, for refund.succeeded', () => {
    const refund = body({ event: 'refund.succeeded', object: { id: 'refund-9', payment_id: 'yk-1', status: 'succeeded' } });
    expect(parseYooKassaNotification(Buffer.from(refund), undefined, [])).toEqual({
      type: 'refund.succeeded',
      gatewayEvent: 'refund.succeeded',
      externalId: 'yk-1',
    });
  });

  it.each([
    ['not JSON', '{'],
    ['another type', JSON.stringify({ type: 'payment', event: 'payment.succeeded', object: { id: 'x' } })],
    ['no event', JSON.stringify({ type: 'notification', object: { id: 'x' } })],
    ['no object id', JSON.stringify({ type: 'notification', event: 'payment.succeeded', object: {} })],
    ['a refund without payment_id', JSON.stringify({ type: 'notification', event: 'refund.succeeded', object: { id: 'r' } })],
  ])('refuses %s as PAYMENT_WEBHOOK_INVALID', (_what, raw) => {
    expect(codeOf(() => parseYooKassaNotification(raw, undefined, []))).toBe('PAYMENT_WEBHOOK_INVALID');
  });

  it('accepts any sender when the allow-list is empty, and only YooKassa ranges when it is set', () => {
    expect(codeOf(() => assertAllowedSource('203.0.113.9', []))).toBeUndefined();
    for (const ip of ['185.71.76.1', '185.71.77.31', '77.75.153.127', '77.75.156.11', '77.75.154.200', '2a02:5180::1', '::ffff:185.71.76.5']) {
      expect([ip, codeOf(() => assertAllowedSource(ip, YOOKASSA_RANGES))]).toEqual([ip, undefined]);
    }
    for (const ip of ['185.71.76.32', '77.75.156.12', '203.0.113.9', '2a03::1', '::ffff:10.0.0.1', 'not-an-ip', undefined]) {
      expect([ip, codeOf(() => assertAllowedSource(ip, YOOKASSA_RANGES))]).toEqual([ip, 'PAYMENT_WEBHOOK_FORBIDDEN']);
    }
  });

  it('refuses a malformed YOOKASSA_ALLOWED_IPS at boot, naming it', () => {
    expect(() => AppConfig.load({ YOOKASSA_ALLOWED_IPS: '185.71.76.0/27, nonsense' }, { readDotenv: false, source: {} })).toThrow(/YOOKASSA_ALLOWED_IPS/);
    expect(AppConfig.load({ YOOKASSA_ALLOWED_IPS: YOOKASSA_RANGES.join(', ') }, { readDotenv: false, source: {} }).env.YOOKASSA_ALLOWED_IPS).toEqual(
      YOOKASSA_RANGES,
    );
  });

  describe('sent by the fake to a receiver that uses the adapter', () => {
    let fake: FakeYooKassa;
    let receiver: Server;
    let url: string;
    let allowed: string[] = [];
    const seen: unknown[] = [];

    beforeAll(async () => {
      fake = await FakeYooKassa.start();
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const adapter = new YooKassaAdapter(AppConfig.load({ ...fake.env, YOOKASSA_ALLOWED_IPS: allowed.join(',') }, { readDotenv: false, source: {} }));
          try {
            seen.push(adapter.parseWebhook({ rawBody: Buffer.concat(chunks), headers: req.headers, sourceIp: req.socket.remoteAddress }));
            res.writeHead(200).end();
          } catch (error) {
            res.writeHead((error as DomainError).code === 'PAYMENT_WEBHOOK_FORBIDDEN' ? 403 : 400).end((error as DomainError).code);
          }
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/payments/yookassa/webhook`;
    });
    afterAll(async () => {
      await fake.close();
      await new Promise((resolve) => receiver.close(resolve));
    });

    const paidPayment = async () => {
      const adapter = new YooKassaAdapter(AppConfig.load(fake.env, { readDotenv: false, source: {} }));
      const created = await adapter.createPayment({
        paymentId: 'pay-notified',
        amountMinor: 10000,
        currency: 'RUB',
        description: 'credits',
        returnUrl: 'https://t.me/genbot',
        idempotencyKey: `notified-${Date.now()}-${Math.random()}`,
      });
      fake.markSucceeded(created.externalId);
      return created.externalId;
    };

    it('is accepted from an allowed address and names the paid payment', async () => {
      allowed = ['127.0.0.0/8'];
      const externalId = await paidPayment();

      expect(await fake.sendNotification(url, 'payment.succeeded', externalId)).toEqual({ status: 200, body: '' });
      expect(seen.at(-1)).toEqual({ type: 'payment.succeeded', gatewayEvent: 'payment.succeeded', externalId, paymentId: 'pay-notified' });
    });

    it('is refused with 403 from an address outside the allow-list', async () => {
      allowed = YOOKASSA_RANGES;
      const externalId = await paidPayment();
      const before = seen.length;

      expect(await fake.sendNotification(url, 'payment.succeeded', externalId)).toEqual({ status: 403, body: 'PAYMENT_WEBHOOK_FORBIDDEN' });
      expect(seen).toHaveLength(before);
    });
  });
});
