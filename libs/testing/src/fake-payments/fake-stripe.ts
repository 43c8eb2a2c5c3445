import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { LoopbackServer, readBody, sendJson } from '@genbot/sandbox';
import { parseStripeForm } from './stripe-form';

type Json = Record<string, unknown>;

export interface StripeCall {
  method: string;
  path: string;
  authorization?: string;
  idempotencyKey?: string;
  /** The form body (POST) or query (GET), decoded into nested objects as Stripe reads them. */
  params: Json;
  status: number;
  replayed: boolean;
  at: Date;
}

/** An injected failure: an HTTP status with Stripe's error body, a request left unanswered, or a cut connection. */
export type StripeFailure = number | 'hang' | 'drop';

interface Session {
  id: string;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'unpaid' | 'paid';
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  clientReferenceId: string | null;
  successUrl: string;
  cancelUrl?: string;
  paymentIntent: { id: string; chargeId: string; refunded: number } | null;
  created: number;
}

/**
 * Stripe's v1 API as the official client speaks it, on loopback: `POST /v1/checkout/sessions` and
 * `POST /v1/refunds` (form-encoded, `Authorization: Bearer sk_…`, `Idempotency-Key` replays the
 * first answer and refuses other parameters), `GET /v1/checkout/sessions/{id}` (with
 * `expand[]=payment_intent.latest_charge`). Errors carry Stripe's `{error: {type, message, code}}`.
 * The test plays the payer with `complete` and Stripe's event sender with `sendEvent`, signed
 * with the webhook secret by the stripe package's own `generateTestHeaderString`.
 */
export class FakeStripe {
  readonly secretKey = 'sk_test_fake_0123456789abcdef';
  readonly webhookSecret = 'whsec_fake_0123456789abcdef';
  private readonly http = new LoopbackServer((req, res) => {
    this.handle(req, res).catch(() => sendJson(res, 500, stripeError('api_error', 'internal error')));
  });
  private readonly sessions = new Map<string, Session>();
  private readonly byKey = new Map<string, { fingerprint: string; status: number; body: Json }>();
  private readonly hanging = new Set<ServerResponse>();
  private recorded: StripeCall[] = [];
  private failures: StripeFailure[] = [];

  static async start(): Promise<FakeStripe> {
    const fake = new FakeStripe();
    await fake.http.listen();
    return fake;
  }

  /** What `STRIPE_BASE_URL` takes. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  get env(): Record<string, string> {
    return { STRIPE_SECRET_KEY: this.secretKey, STRIPE_WEBHOOK_SECRET: this.webhookSecret, STRIPE_BASE_URL: this.baseUrl };
  }

  close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    return this.http.close();
  }

  calls(): StripeCall[] {
    return [...this.recorded];
  }

  /** The next `times` API calls fail this way (a status such as 500 or 429, `hang`, or `drop`). */
  failNext(failure: StripeFailure, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failures.push(failure);
  }

  /** The payer finished checkout: `paid` (default) or a delayed method still `unpaid`. */
  complete(sessionId: string, { paid = true }: { paid?: boolean } = {}): void {
    const session = this.get(sessionId);
    session.status = 'complete';
    session.paymentStatus = paid ? 'paid' : 'unpaid';
    session.paymentIntent ??= { id: `pi_${token()}`, chargeId: `ch_${token()}`, refunded: 0 };
  }

  expire(sessionId: string): void {
    this.get(sessionId).status = 'expired';
  }

  /** Refunds `amount` (default: what is left) as if from the dashboard. */
  refund(sessionId: string, amount?: number): void {
    const intent = this.get(sessionId).paymentIntent;
    if (!intent) throw new Error(`FakeStripe: session ${sessionId} has no payment`);
    intent.refunded += amount ?? this.get(sessionId).amount - intent.refunded;
  }

  /** The event Stripe would send about session `sessionId`, its JSON and a `Stripe-Signature` for it. */
  signedEvent(type: string, sessionId: string, opts: { secret?: string; timestamp?: number } = {}): { payload: string; signature: string } {
    const event = {
      id: `evt_${token()}`,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object: this.view(this.get(sessionId)) },
    };
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? this.webhookSecret, timestamp: opts.timestamp });
    return { payload, signature };
  }

  /** POSTs a signed event to `url` as Stripe does; answers what the receiver said. */
  async sendEvent(url: string, type: string, sessionId: string, opts: { secret?: string; timestamp?: number } = {}): Promise<{ status: number; body: string }> {
    const { payload, signature } = this.signedEvent(type, sessionId, opts);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
    return { status: res.status, body: await res.text() };
  }

  reset(): void {
    this.sessions.clear();
    this.byKey.clear();
    this.recorded = [];
    this.failures = [];
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = (await readBody(req)).toString('utf8');
    const params = parseStripeForm(method === 'GET' ? url.search.slice(1) : raw);
    const idempotencyKey = header(req, 'idempotency-key');
    const call = { method, path: url.pathname, authorization: header(req, 'authorization'), idempotencyKey, params, at: new Date() };
    const answer = (status: number, body: Json, replayed = false) => {
      this.recorded.push({ ...call, status, replayed });
      sendJson(res, status, body, { 'request-id': `req_${token()}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
    };
    const failure = this.failures.shift();
    if (failure === 'hang' || failure === 'drop') {
      this.recorded.push({ ...call, status: 0, replayed: false });
      if (failure === 'hang') this.hanging.add(res);
      else req.socket.destroy();
      return;
    }
    if (failure !== undefined) return answer(failure, stripeError(failure === 429 ? 'rate_limit_error' : 'api_error', `injected ${failure}`));
    if (call.authorization !== `Bearer ${this.secretKey}`) return answer(401, stripeError('invalid_request_error', 'Invalid API Key provided'));

    const sessionPath = /^\/v1\/checkout\/sessions\/(cs_\w+)$/.exec(url.pathname);
    if (method === 'GET' && sessionPath) {
      const session = this.sessions.get(sessionPath[1]);
      if (!session) return answer(404, stripeError('invalid_request_error', `No such checkout.session: '${sessionPath[1]}'`, 'resource_missing'));
      return answer(200, this.view(session, JSON.stringify(params.expand ?? []).includes('payment_intent')));
    }
    if (method !== 'POST' || (url.pathname !== '/v1/checkout/sessions' && url.pathname !== '/v1/refunds')) {
      return answer(404, stripeError('invalid_request_error', `Unrecognized request URL (${method}: ${url.pathname})`));
    }
    const fingerprint = `${url.pathname} ${raw}`;
    const earlier = idempotencyKey ? this.byKey.get(idempotencyKey) : undefined;
    if (earlier && earlier.fingerprint !== fingerprint) {
      return answer(400, stripeError('idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.'));
    }
    if (earlier) return answer(earlier.status, earlier.body, true);
    const [status, body] = url.pathname === '/v1/refunds' ? this.createRefund(params) : this.createSession(params);
    if (idempotencyKey && status < 500) this.byKey.set(idempotencyKey, { fingerprint, status, body });
    answer(status, body);
  }

  private createSession(params: Json): [number, Json] {
    if (params.mode !== 'payment') return [400, stripeError('invalid_request_error', 'mode must be payment in this fake', 'parameter_invalid_empty')];
    const item = (params.line_items as Json[] | undefined)?.[0];
    const price = item?.price_data as { currency?: string; unit_amount?: string; product_data?: { name?: string } } | undefined;
    const amount = Number(price?.unit_amount);
    if (!price?.currency || !Number.isSafeInteger(amount) || amount < 1 || !price.product_data?.name) {
      return [
        400,
        stripeError(
          'invalid_request_error',
          'line_items[0][price_data] needs currency, a positive integer unit_amount and product_data[name]',
          'parameter_missing',
        ),
      ];
    }
    if (typeof params.success_url !== 'string') return [400, stripeError('invalid_request_error', 'Missing required param: success_url.', 'parameter_missing')];
    const session: Session = {
      id: `cs_test_${token()}`,
      status: 'open',
      paymentStatus: 'unpaid',
      amount: amount * Number(item?.quantity ?? 1),
      currency: price.currency,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      clientReferenceId: typeof params.client_reference_id === 'string' ? params.client_reference_id : null,
      successUrl: params.success_url,
      cancelUrl: typeof params.cancel_url === 'string' ? params.cancel_url : undefined,
      paymentIntent: null,
      created: Math.floor(Date.now() / 1000),
    };
    this.sessions.set(session.id, session);
    return [200, this.view(session)];
  }

  private createRefund(params: Json): [number, Json] {
    const session = [...this.sessions.values()].find((s) => s.paymentIntent?.id === params.payment_intent);
    if (!session?.paymentIntent)
      return [404, stripeError('invalid_request_error', `No such payment_intent: '${String(params.payment_intent)}'`, 'resource_missing')];
    const intent = session.paymentIntent;
    const amount = params.amount === undefined ? session.amount - intent.refunded : Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1)
      return [400, stripeError('invalid_request_error', 'Invalid positive integer', 'parameter_invalid_integer')];
    if (session.paymentStatus !== 'paid' || intent.refunded >= session.amount) {
      return [400, stripeError('invalid_request_error', 'This PaymentIntent has no charge to refund.', 'charge_already_refunded')];
    }
    if (intent.refunded + amount > session.amount) {
      return [400, stripeError('invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge`, 'amount_too_large')];
    }
    intent.refunded += amount;
    const refund = { id: `re_${token()}`, object: 'refund', amount, currency: session.currency, charge: intent.chargeId, payment_intent: intent.id };
    return [200, { ...refund, status: 'succeeded', metadata: params.metadata ?? {}, created: Math.floor(Date.now() / 1000) }];
  }

  private view(session: Session, expandIntent = false): Json {
    const intent = session.paymentIntent;
    const expanded = intent && {
      id: intent.id,
      object: 'payment_intent',
      amount: session.amount,
      currency: session.currency,
      status: 'succeeded',
      latest_charge: {
        id: intent.chargeId,
        object: 'charge',
        amount: session.amount,
        amount_refunded: intent.refunded,
        refunded: intent.refunded >= session.amount,
      },
    };
    return {
      id: session.id,
      object: 'checkout.session',
      mode: 'payment',
      status: session.status,
      payment_status: session.paymentStatus,
      amount_total: session.amount,
      currency: session.currency,
      metadata: session.metadata,
      client_reference_id: session.clientReferenceId,
      success_url: session.successUrl,
      cancel_url: session.cancelUrl ?? null,
      payment_intent: expandIntent ? expanded : (intent?.id ?? null),
      url: session.status === 'open' ? `${this.baseUrl}/c/pay/${session.id}` : null,
      created: session.created,
      livemode: false,
    };
  }

  private get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`FakeStripe: no checkout session ${id}`);
    return session;
  }
}

function stripeError(type: string, message: string, code?: string): Json {
  return { error: { type, message, ...(code ? { code } : {}) } };
}

function token(): string {
  return randomBytes(12).toString('hex');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
