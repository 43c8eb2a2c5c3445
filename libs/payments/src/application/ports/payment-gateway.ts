/**
 * The port every card/wallet gateway adapter implements (YooKassa, Stripe). The payments service
 * drives it: `createPayment` once per payment intent (keyed by our payment id), then the gateway's
 * notification, which only says *which* payment to look at: the service re-fetches it with
 * `fetchPayment` and credits only a `succeeded` payment whose amount and currency match ours.
 *
 * Money is integer minor units (kopecks, cents) with an ISO 4217 currency; each adapter converts to
 * its gateway's form. Failures are DomainErrors from `domain/payments.errors.ts`: a gateway that is
 * down, slow or answering 5xx is PAYMENT_PROVIDER_UNAVAILABLE (502), so callers may retry with the
 * same idempotency key, which the gateways honour.
 */

export type PaymentGatewayName = 'yookassa' | 'stripe';

/** `pending` covers everything before a final answer (YooKassa's waiting_for_capture, Stripe's open session). */
export type GatewayPaymentStatus = 'pending' | 'succeeded' | 'canceled';

export interface CreateGatewayPayment {
  /** Our payment id: goes into the gateway's metadata so a notification names it. */
  paymentId: string;
  amountMinor: number;
  /** ISO 4217, upper case (`RUB`, `USD`). */
  currency: string;
  /** Shown to the payer (YooKassa: at most 128 characters; longer text is cut). */
  description: string;
  /** Where the payer lands after paying (YooKassa's return_url, Stripe's success_url). */
  returnUrl: string;
  /** Where the payer lands after giving up (Stripe's cancel_url); `returnUrl` when absent. */
  cancelUrl?: string;
  /** String pairs stored with the payment at the gateway; `payment_id` is always added. */
  metadata?: Record<string, string>;
  /** The same key returns the same gateway payment, however often the call is repeated. */
  idempotencyKey: string;
}

export interface CreatedGatewayPayment {
  /** The gateway's id: YooKassa's payment id, Stripe's Checkout Session id. */
  externalId: string;
  /** The page the payer is sent to. */
  confirmationUrl: string;
  status: GatewayPaymentStatus;
}

export interface GatewayPayment {
  externalId: string;
  status: GatewayPaymentStatus;
  amountMinor: number;
  currency: string;
  /** The money reached the merchant (may precede `succeeded` at YooKassa while awaiting capture). */
  paid: boolean;
  metadata: Record<string, string>;
  /** Minor units refunded so far, where the gateway reports it. */
  refundedMinor?: number;
}

export type GatewayRefundStatus = 'pending' | 'succeeded' | 'canceled';

export interface GatewayRefund {
  refundId: string;
  status: GatewayRefundStatus;
}

/** A webhook call as the HTTP layer received it: the exact bytes (signatures cover them), headers, caller's address. */
export interface GatewayWebhookRequest {
  rawBody: Buffer | string;
  headers: Record<string, string | string[] | undefined>;
  /** The client address as the app resolves it (TRUST_PROXY applied). */
  sourceIp?: string;
}

export type GatewayEventType = 'payment.succeeded' | 'payment.canceled' | 'refund.succeeded' | 'ignored';

/**
 * What a notification says happened. It is a hint, not a fact: the service re-fetches
 * `externalId` before it moves money. `ignored` events need only a 200 so the gateway stops resending.
 */
export interface GatewayEvent {
  type: GatewayEventType;
  /** The gateway's own event name (`payment.succeeded`, `checkout.session.completed` …). */
  gatewayEvent: string;
  /** The gateway payment the event is about (for a YooKassa refund: the refunded payment). */
  externalId: string;
  /** Our payment id, when the event carries our metadata. */
  paymentId?: string;
  /** The gateway's event id, where it has one (Stripe `evt_…`), for de-duplication. */
  eventId?: string;
}

/** The DI token for the list of configured and unconfigured gateways (see PAYMENT_GATEWAY_ADAPTERS). */
export const PAYMENT_GATEWAYS = Symbol('PAYMENT_GATEWAYS');

export abstract class PaymentGateway {
  abstract readonly name: PaymentGatewayName;

  /** Has its keys; an unconfigured gateway throws PAYMENT_PROVIDER_NOT_CONFIGURED from every call. */
  abstract isConfigured(): boolean;

  abstract createPayment(input: CreateGatewayPayment): Promise<CreatedGatewayPayment>;

  abstract fetchPayment(externalId: string): Promise<GatewayPayment>;

  /** Refunds `amountMinor` of a succeeded payment (all or part); the key makes a repeat a no-op. */
  abstract refund(externalId: string, amountMinor: number, idempotencyKey: string): Promise<GatewayRefund>;

  /**
   * Checks a webhook call (signature, source address, shape) and says what it is about; throws
   * PAYMENT_WEBHOOK_INVALID (400) or PAYMENT_WEBHOOK_FORBIDDEN (403). Makes no outside call.
   */
  abstract parseWebhook(request: GatewayWebhookRequest): GatewayEvent;
}
