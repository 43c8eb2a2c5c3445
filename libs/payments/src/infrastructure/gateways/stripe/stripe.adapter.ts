import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { AppConfig } from '@genbot/core';
import {
  CreatedGatewayPayment,
  CreateGatewayPayment,
  GatewayEvent,
  GatewayEventType,
  GatewayPayment,
  GatewayRefund,
  GatewayWebhookRequest,
  PaymentGateway,
} from '../../../application/ports/payment-gateway';
import { providerNotConfigured, providerRejected, providerUnavailable, webhookInvalid } from '../../../domain/payments.errors';

/** Stripe's own default, and what the payments service's webhook contract promises: older signatures are replays. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Stripe Checkout through the official client: one Checkout Session per payment (mode `payment`, one
 * line item priced inline), read back with its PaymentIntent and charge, refunded through the
 * PaymentIntent. Stripe amounts are already minor units. The client's own retries are off: a
 * failure surfaces at once as PAYMENT_PROVIDER_UNAVAILABLE and the payments service retries with
 * the same idempotency key (Stripe replays the first answer for 24 h).
 */
@Injectable()
export class StripeAdapter extends PaymentGateway {
  readonly name = 'stripe' as const;
  private stripe?: Stripe;

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.STRIPE_SECRET_KEY);
  }

  async createPayment(input: CreateGatewayPayment): Promise<CreatedGatewayPayment> {
    const metadata = { ...input.metadata, payment_id: input.paymentId };
    const session = await this.call('POST /v1/checkout/sessions', (stripe) =>
      stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            { quantity: 1, price_data: { currency: input.currency.toLowerCase(), unit_amount: input.amountMinor, product_data: { name: input.description } } },
          ],
          success_url: input.returnUrl,
          cancel_url: input.cancelUrl ?? input.returnUrl,
          client_reference_id: input.paymentId,
          metadata,
          // Copied to the PaymentIntent so that the dashboard and charge events name our payment too.
          payment_intent_data: { metadata },
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    if (!session.url) throw providerUnavailable('stripe', `checkout session ${session.id} has no url`);
    return { externalId: session.id, confirmationUrl: session.url, status: statusOf(session) };
  }

  async fetchPayment(externalId: string): Promise<GatewayPayment> {
    const session = await this.call(`GET /v1/checkout/sessions/${externalId}`, (stripe) =>
      stripe.checkout.sessions.retrieve(externalId, { expand: ['payment_intent.latest_charge'] }),
    );
    const intent = typeof session.payment_intent === 'object' ? session.payment_intent : null;
    const charge = intent && typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
    return {
      externalId: session.id,
      status: statusOf(session),
      amountMinor: session.amount_total ?? 0,
      currency: (session.currency ?? '').toUpperCase(),
      paid: session.payment_status === 'paid',
      metadata: { ...(session.metadata ?? {}) },
      ...(charge ? { refundedMinor: charge.amount_refunded } : {}),
    };
  }

  async refund(externalId: string, amountMinor: number, idempotencyKey: string): Promise<GatewayRefund> {
    const session = await this.call(`GET /v1/checkout/sessions/${externalId}`, (stripe) => stripe.checkout.sessions.retrieve(externalId));
    const intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    if (!intent) throw providerRejected('stripe', `checkout session ${externalId} has no payment to refund`, { status: 400 });
    const refund = await this.call('POST /v1/refunds', (stripe) =>
      stripe.refunds.create({ payment_intent: intent, amount: amountMinor, metadata: { ...session.metadata } }, { idempotencyKey }),
    );
    const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'canceled' : 'pending';
    return { refundId: refund.id, status };
  }

  /**
   * Verifies `Stripe-Signature` over the exact bytes received (HMAC-SHA256 with STRIPE_WEBHOOK_SECRET,
   * timestamp within 300 s); a forged, stale or re-serialised body is PAYMENT_WEBHOOK_INVALID.
   */
  parseWebhook(request: GatewayWebhookRequest): GatewayEvent {
    const secret = this.config.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) throw providerNotConfigured('stripe', 'STRIPE_WEBHOOK_SECRET');
    const header = request.headers['stripe-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) throw webhookInvalid('stripe', 'the Stripe-Signature header is missing');
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(request.rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      throw webhookInvalid('stripe', error instanceof Error ? error.message : 'the signature does not verify');
    }
    const object = event.data.object as {
      id?: string;
      object?: string;
      payment_status?: string;
      client_reference_id?: string | null;
      metadata?: Record<string, string>;
    };
    const paymentId = object.client_reference_id ?? object.metadata?.payment_id;
    // charge.refunded carries a Charge, which names our payment only through the metadata copied from
    // the PaymentIntent; the service finds the session by that id and re-reads it.
    if (event.type === 'charge.refunded') {
      return {
        type: paymentId ? 'refund.succeeded' : 'ignored',
        gatewayEvent: event.type,
        externalId: object.object === 'checkout.session' ? (object.id ?? '') : '',
        eventId: event.id,
        ...(paymentId ? { paymentId } : {}),
      };
    }
    return {
      type: object.object === 'checkout.session' ? eventTypeOf(event.type, object.payment_status) : 'ignored',
      gatewayEvent: event.type,
      externalId: object.id ?? '',
      eventId: event.id,
      ...(paymentId ? { paymentId } : {}),
    };
  }

  /** Runs one client call; Stripe's error classes become the payments DomainErrors. */
  private async call<T>(what: string, run: (stripe: Stripe) => Promise<T>): Promise<T> {
    const stripe = this.client();
    try {
      return await run(stripe);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeError)) throw providerUnavailable('stripe', `${what} failed: ${String(error)}`);
      const details = { ...(error.statusCode ? { status: error.statusCode } : {}), ...(error.code ? { providerCode: error.code } : {}) };
      const refusal = error.type === 'StripeInvalidRequestError' || error.type === 'StripeIdempotencyError' || error.type === 'StripeCardError';
      // Connection errors and timeouts, 5xx, 429 and refused keys: nothing the payer or the input can fix.
      if (!refusal || (error.statusCode ?? 0) >= 500) throw providerUnavailable('stripe', `${what}: ${error.message}`, details);
      throw providerRejected('stripe', `${what}: ${error.message}`, details);
    }
  }

  private client(): Stripe {
    const key = this.config.env.STRIPE_SECRET_KEY;
    if (!key) throw providerNotConfigured('stripe', 'STRIPE_SECRET_KEY');
    if (!this.stripe) {
      const base = new URL(this.config.env.STRIPE_BASE_URL);
      const protocol = base.protocol === 'http:' ? 'http' : 'https';
      this.stripe = new Stripe(key, {
        host: base.hostname,
        port: base.port || (protocol === 'http' ? 80 : 443),
        protocol,
        timeout: this.config.env.PAYMENT_GATEWAY_TIMEOUT_MS,
        maxNetworkRetries: 0,
        telemetry: false,
      });
    }
    return this.stripe;
  }
}

function statusOf(session: Stripe.Checkout.Session): GatewayPayment['status'] {
  if (session.payment_status === 'paid') return 'succeeded';
  return session.status === 'expired' ? 'canceled' : 'pending';
}

/** A completed session may still await a bank transfer (`unpaid`); only `paid` is money. */
function eventTypeOf(type: string, paymentStatus: string | undefined): GatewayEventType {
  switch (type) {
    case 'checkout.session.completed':
      return paymentStatus === 'paid' ? 'payment.succeeded' : 'ignored';
    case 'checkout.session.async_payment_succeeded':
      return 'payment.succeeded';
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      return 'payment.canceled';
    default:
      return 'ignored';
  }
}
