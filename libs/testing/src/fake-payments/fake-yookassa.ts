import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody, sendJson } from '@genbot/sandbox';

type Json = Record<string, unknown>;

export interface YooKassaCall {
  method: string;
  path: string;
  authorization?: string;
  idempotenceKey?: string;
  body?: Json;
  status: number;
  at: Date;
}

/** An injected failure: an HTTP status with YooKassa's error body, a request left unanswered, or a cut connection. */
export type YooKassaFailure = number | 'hang' | 'drop';

export interface FakeYooKassaPayment {
  id: string;
  status: 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
  paid: boolean;
  amount: { value: string; currency: string };
  refunded?: { value: string; currency: string };
  description?: string;
  metadata: Record<string, string>;
  returnUrl?: string;
  createdAt: string;
}

/**
 * YooKassa's API v3 on loopback: `POST /v3/payments` (Basic auth shopId:secretKey, `Idempotence-Key`
 * required; the same key answers the first result again), `GET /v3/payments/{id}`, `POST /v3/refunds`.
 * Errors have YooKassa's body `{type: 'error', id, code, description}`. The test plays the payer with
 * `markSucceeded` / `markCanceled`, and YooKassa's notification sender with `sendNotification`.
 */
export class FakeYooKassa {
  readonly shopId: string;
  readonly secretKey: string;
  private readonly http = new LoopbackServer((req, res) => {
    this.handle(req, res).catch(() => sendJson(res, 500, errorBody('internal_server_error', 'internal error')));
  });
  private readonly payments = new Map<string, FakeYooKassaPayment>();
  private readonly byKey = new Map<string, { fingerprint: string; status: number; body: Json }>();
  private readonly hanging = new Set<ServerResponse>();
  private recorded: YooKassaCall[] = [];
  private failures: YooKassaFailure[] = [];

  private constructor(opts: { shopId?: string; secretKey?: string }) {
    this.shopId = opts.shopId ?? '123456';
    this.secretKey = opts.secretKey ?? 'test_yookassa_secret_0123456789';
  }

  static async start(opts: { shopId?: string; secretKey?: string } = {}): Promise<FakeYooKassa> {
    const fake = new FakeYooKassa(opts);
    await fake.http.listen();
    return fake;
  }

  /** What `YOOKASSA_BASE_URL` takes. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The settings an app needs to use this fake. */
  get env(): Record<string, string> {
    return { YOOKASSA_SHOP_ID: this.shopId, YOOKASSA_SECRET_KEY: this.secretKey, YOOKASSA_BASE_URL: this.baseUrl };
  }

  close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    return this.http.close();
  }

  calls(): YooKassaCall[] {
    return [...this.recorded];
  }

  payment(id: string): FakeYooKassaPayment | undefined {
    const payment = this.payments.get(id);
    return payment && { ...payment };
  }

  /** The next `times` API calls fail this way (a status such as 500 or 429, `hang`, or `drop`). */
  failNext(failure: YooKassaFailure, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failures.push(failure);
  }

  /** The payer paid: the payment is `succeeded` and `paid`. */
  markSucceeded(id: string): FakeYooKassaPayment {
    return this.update(id, { status: 'succeeded', paid: true });
  }

  /** The payer gave up or the bank declined: `canceled`. */
  markCanceled(id: string): FakeYooKassaPayment {
    return this.update(id, { status: 'canceled', paid: false });
  }

  /** Refunds `value` (default: all of it) as if from YooKassa's merchant dashboard. */
  refund(id: string, value?: string): FakeYooKassaPayment {
    const payment = this.get(id);
    return this.update(id, { refunded: { value: value ?? payment.amount.value, currency: payment.amount.currency } });
  }

  /** The notification YooKassa would send for `event` about payment `id` (for `refund.succeeded`: a refund of it). */
  notification(event: string, id: string): Json {
    const payment = this.get(id);
    const object = event.startsWith('refund.')
      ? { id: randomUUID(), payment_id: id, status: 'succeeded', amount: payment.refunded ?? payment.amount, created_at: new Date().toISOString() }
      : this.view(payment);
    return { type: 'notification', event, object };
  }

  /** POSTs a notification to `url` as YooKassa does (JSON, no signature); answers what the receiver said. */
  async sendNotification(url: string, event: string, id: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(this.notification(event, id)),
    });
    return { status: res.status, body: await res.text() };
  }

  reset(): void {
    this.payments.clear();
    this.byKey.clear();
    this.recorded = [];
    this.failures = [];
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const raw = await readBody(req);
    const idempotenceKey = header(req, 'idempotence-key');
    let body: Json | undefined;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : undefined;
    } catch {
      body = undefined;
    }
    const call = { method, path, authorization: header(req, 'authorization'), idempotenceKey, body, at: new Date() };
    const answer = (status: number, payload: Json) => {
      this.recorded.push({ ...call, status });
      sendJson(res, status, payload);
    };
    const failure = this.failures.shift();
    if (failure === 'hang') {
      this.recorded.push({ ...call, status: 0 });
      this.hanging.add(res);
      return;
    }
    if (failure === 'drop') {
      this.recorded.push({ ...call, status: 0 });
      req.socket.destroy();
      return;
    }
    if (failure !== undefined) return answer(failure, errorBody(failure >= 500 ? 'internal_server_error' : 'too_many_requests', `injected ${failure}`));
    const expected = `Basic ${Buffer.from(`${this.shopId}:${this.secretKey}`).toString('base64')}`;
    if (call.authorization !== expected) return answer(401, errorBody('invalid_credentials', 'Login or password is incorrect'));
    if (raw.length && !body) return answer(400, errorBody('invalid_request', 'Request body is not valid JSON'));

    const paymentPath = /^\/v3\/payments\/([\w-]+)$/.exec(path);
    if (method === 'GET' && paymentPath) {
      const payment = this.payments.get(paymentPath[1]);
      return payment ? answer(200, this.view(payment)) : answer(404, errorBody('not_found', 'Payment not found'));
    }
    if (method !== 'POST' || (path !== '/v3/payments' && path !== '/v3/refunds')) return answer(404, errorBody('not_found', 'Not found'));
    if (!idempotenceKey) return answer(400, errorBody('invalid_request', 'Idempotence-Key header is required', 'Idempotence-Key'));
    // YooKassa keeps a key's answer for 24 h: the same key with the same body gets it again, a different body is refused.
    const fingerprint = `${path} ${raw.toString('utf8')}`;
    const earlier = this.byKey.get(idempotenceKey);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) return answer(400, errorBody('invalid_request', 'Idempotence key duplicated', 'Idempotence-Key'));
      return answer(earlier.status, earlier.body);
    }
    const [status, payload] = path === '/v3/payments' ? this.create(body ?? {}) : this.createRefund(body ?? {});
    if (status < 500) this.byKey.set(idempotenceKey, { fingerprint, status, body: payload });
    answer(status, payload);
  }

  private create(body: Json): [number, Json] {
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    if (typeof amount?.value !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amount.value) || Number(amount.value) <= 0) {
      return [400, errorBody('invalid_request', 'Invalid amount value', 'amount.value')];
    }
    if (typeof amount.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency))
      return [400, errorBody('invalid_request', 'Invalid currency', 'amount.currency')];
    const confirmation = body.confirmation as { type?: unknown; return_url?: unknown } | undefined;
    if (confirmation?.type !== 'redirect' || typeof confirmation.return_url !== 'string') {
      return [400, errorBody('invalid_request', 'confirmation.return_url is required for redirect', 'confirmation')];
    }
    if (typeof body.description === 'string' && body.description.length > 128)
      return [400, errorBody('invalid_request', 'Description is too long', 'description')];
    const payment: FakeYooKassaPayment = {
      id: randomUUID(),
      status: 'pending',
      paid: false,
      amount: { value: amount.value, currency: amount.currency },
      description: typeof body.description === 'string' ? body.description : undefined,
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      returnUrl: confirmation.return_url,
      createdAt: new Date().toISOString(),
    };
    this.payments.set(payment.id, payment);
    return [200, this.view(payment)];
  }

  private createRefund(body: Json): [number, Json] {
    const payment = typeof body.payment_id === 'string' ? this.payments.get(body.payment_id) : undefined;
    if (!payment) return [404, errorBody('not_found', 'Payment not found', 'payment_id')];
    if (payment.status !== 'succeeded') return [400, errorBody('invalid_request', 'Payment is not succeeded', 'payment_id')];
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    const cents = (value: string) => Math.round(Number(value) * 100);
    const already = payment.refunded ? cents(payment.refunded.value) : 0;
    if (typeof amount?.value !== 'string' || amount.currency !== payment.amount.currency || cents(amount.value) <= 0) {
      return [400, errorBody('invalid_request', 'Invalid refund amount', 'amount')];
    }
    if (already + cents(amount.value) > cents(payment.amount.value))
      return [400, errorBody('invalid_request', 'Refund amount exceeds the payment', 'amount.value')];
    payment.refunded = { value: ((already + cents(amount.value)) / 100).toFixed(2), currency: payment.amount.currency };
    return [200, { id: randomUUID(), payment_id: payment.id, status: 'succeeded', amount, created_at: new Date().toISOString() }];
  }

  private view(payment: FakeYooKassaPayment): Json {
    return {
      id: payment.id,
      status: payment.status,
      paid: payment.paid,
      amount: payment.amount,
      ...(payment.refunded ? { refunded_amount: payment.refunded } : {}),
      confirmation: {
        type: 'redirect',
        return_url: payment.returnUrl,
        confirmation_url: `${this.baseUrl}/checkout/payments/v2/contract?orderId=${payment.id}`,
      },
      created_at: payment.createdAt,
      description: payment.description,
      metadata: payment.metadata,
      recipient: { account_id: this.shopId, gateway_id: '1' },
      refundable: payment.status === 'succeeded',
      test: true,
    };
  }

  private get(id: string): FakeYooKassaPayment {
    const payment = this.payments.get(id);
    if (!payment) throw new Error(`FakeYooKassa: no payment ${id}`);
    return payment;
  }

  private update(id: string, change: Partial<FakeYooKassaPayment>): FakeYooKassaPayment {
    Object.assign(this.get(id), change);
    return { ...this.get(id) };
  }
}

function errorBody(code: string, description: string, parameter?: string): Json {
  return { type: 'error', id: randomUUID(), code, description, ...(parameter ? { parameter } : {}) };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
