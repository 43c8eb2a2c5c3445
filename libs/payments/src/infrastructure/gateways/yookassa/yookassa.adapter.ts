import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import {
  CreatedGatewayPayment,
  CreateGatewayPayment,
  GatewayEvent,
  GatewayPayment,
  GatewayPaymentStatus,
  GatewayRefund,
  GatewayWebhookRequest,
  PaymentGateway,
} from '../../../application/ports/payment-gateway';
import { providerNotConfigured, providerRejected, providerUnavailable } from '../../../domain/payments.errors';
import { formatMinor, parseMajor } from '../minor-units';
import { parseYooKassaNotification } from './yookassa-notification';

type Json = Record<string, unknown>;

/** YooKassa refuses descriptions over 128 characters. */
const MAX_DESCRIPTION = 128;

/**
 * YooKassa's API v3: `POST /v3/payments` (Basic auth shopId:secretKey, an `Idempotence-Key`, amounts
 * as decimal strings such as `"100.50"`), `GET /v3/payments/{id}`, `POST /v3/refunds`. Payments are
 * created with `capture: true` and a redirect confirmation, so the payer is sent to
 * `confirmation.confirmation_url` and the payment goes straight to `succeeded` once paid.
 * A 5xx answer means YooKassa may or may not have done it: the caller repeats with the same key,
 * which YooKassa answers with the first result.
 */
@Injectable()
export class YooKassaAdapter extends PaymentGateway {
  readonly name = 'yookassa' as const;

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.YOOKASSA_SHOP_ID && this.config.env.YOOKASSA_SECRET_KEY);
  }

  async createPayment(input: CreateGatewayPayment): Promise<CreatedGatewayPayment> {
    const body = {
      amount: { value: formatMinor(input.amountMinor, input.currency), currency: input.currency },
      capture: true,
      confirmation: { type: 'redirect', return_url: input.returnUrl },
      description: input.description.slice(0, MAX_DESCRIPTION),
      metadata: { ...input.metadata, payment_id: input.paymentId },
    };
    const payment = await this.call('POST', '/v3/payments', body, input.idempotencyKey);
    const confirmation = payment.confirmation as Json | undefined;
    const confirmationUrl = confirmation?.confirmation_url;
    if (typeof payment.id !== 'string' || typeof confirmationUrl !== 'string') {
      throw providerUnavailable('yookassa', 'the created payment has no id or confirmation_url');
    }
    return { externalId: payment.id, confirmationUrl, status: statusOf(payment.status) };
  }

  async fetchPayment(externalId: string): Promise<GatewayPayment> {
    const payment = await this.call('GET', `/v3/payments/${encodeURIComponent(externalId)}`);
    const amount = moneyOf(payment.amount);
    if (typeof payment.id !== 'string' || !amount) throw providerUnavailable('yookassa', `payment ${externalId} came back without an id or amount`);
    const refunded = moneyOf(payment.refunded_amount);
    return {
      externalId: payment.id,
      status: statusOf(payment.status),
      amountMinor: amount.minor,
      currency: amount.currency,
      paid: payment.paid === true,
      metadata: stringsOf(payment.metadata),
      ...(refunded ? { refundedMinor: refunded.minor } : {}),
    };
  }

  async refund(externalId: string, amountMinor: number, idempotencyKey: string): Promise<GatewayRefund> {
    // The refund is in the payment's currency, which only YooKassa's copy of it states for sure.
    const payment = await this.fetchPayment(externalId);
    const refund = await this.call(
      'POST',
      '/v3/refunds',
      { payment_id: externalId, amount: { value: formatMinor(amountMinor, payment.currency), currency: payment.currency } },
      idempotencyKey,
    );
    if (typeof refund.id !== 'string') throw providerUnavailable('yookassa', 'the refund came back without an id');
    return { refundId: refund.id, status: refund.status === 'succeeded' ? 'succeeded' : refund.status === 'canceled' ? 'canceled' : 'pending' };
  }

  parseWebhook(request: GatewayWebhookRequest): GatewayEvent {
    return parseYooKassaNotification(request.rawBody, request.sourceIp, this.config.env.YOOKASSA_ALLOWED_IPS);
  }

  /** One request; any answer but a 2xx JSON object becomes a payments DomainError. */
  private async call(method: 'GET' | 'POST', path: string, body?: Json, idempotencyKey?: string): Promise<Json> {
    const { YOOKASSA_SHOP_ID: shopId, YOOKASSA_SECRET_KEY: secretKey, YOOKASSA_BASE_URL: baseUrl, PAYMENT_GATEWAY_TIMEOUT_MS: timeoutMs } = this.config.env;
    if (!shopId) throw providerNotConfigured('yookassa', 'YOOKASSA_SHOP_ID');
    if (!secretKey) throw providerNotConfigured('yookassa', 'YOOKASSA_SECRET_KEY');
    const what = `${method} ${path}`;
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString('base64')}`,
      accept: 'application/json',
    };
    if (body) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotence-key'] = idempotencyKey;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      // By name: the abort is a DOMException, which is no `instanceof Error` across realms (as under jest).
      const name = (error as { name?: unknown } | null)?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? `${what} timed out after ${timeoutMs} ms` : `${what} failed: ${String(error)}`;
      throw providerUnavailable('yookassa', reason);
    }
    const json = parseObject(text);
    if (status >= 200 && status < 300 && json) return json;
    const said = typeof json?.description === 'string' ? json.description : text.slice(0, 200);
    const details = { status, ...(typeof json?.code === 'string' ? { providerCode: json.code } : {}) };
    // 401/403: our keys are wrong or revoked, which no change of input fixes; 429/5xx: try again later.
    if (status >= 500 || status === 429 || status === 401 || status === 403 || !json) {
      throw providerUnavailable('yookassa', `${what} answered ${status}: ${said}`, details);
    }
    throw providerRejected('yookassa', `${what} answered ${status}: ${said}`, details);
  }
}

function statusOf(status: unknown): GatewayPaymentStatus {
  // waiting_for_capture only happens with capture: false; until captured it is not our money.
  return status === 'succeeded' ? 'succeeded' : status === 'canceled' ? 'canceled' : 'pending';
}

function moneyOf(value: unknown): { minor: number; currency: string } | undefined {
  const amount = value as { value?: unknown; currency?: unknown } | undefined;
  if (!amount || typeof amount.currency !== 'string') return undefined;
  try {
    const minor = parseMajor(amount.value, amount.currency);
    return minor === undefined ? undefined : { minor, currency: amount.currency };
  } catch {
    return undefined;
  }
}

function stringsOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
