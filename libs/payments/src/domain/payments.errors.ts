import { DomainError } from '@genbot/core';

/**
 * The payments lib's codes and their HTTP statuses; core's filter combines each lib's map. A gateway
 * that is down is 502 (the fault is upstream, a later try may work); one that refuses what we sent
 * is 422; a webhook that fails its checks is 400, or 403 from an address outside the allow-list.
 */
export const PAYMENTS_ERROR_STATUSES: Record<string, number> = {
  PAYMENT_PROVIDER_UNAVAILABLE: 502,
  PAYMENT_PROVIDER_NOT_CONFIGURED: 503,
  PAYMENT_PROVIDER_REJECTED: 422,
  PAYMENT_WEBHOOK_INVALID: 400,
  PAYMENT_WEBHOOK_FORBIDDEN: 403,
  PAYMENT_NOT_FOUND: 404,
  PAYMENT_INVALID: 400,
  PAYMENT_NOT_REFUNDABLE: 409,
  /** A refund would take back credits the user has already spent (Stars refunds without force). */
  PAYMENT_CREDITS_SPENT: 409,
};

/** Network error, timeout, 5xx, 429 or refused credentials: nothing is known to have happened at the gateway. */
export const providerUnavailable = (gateway: string, reason: string, details: Record<string, unknown> = {}) =>
  new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', `The payment provider ${gateway} is unavailable: ${reason}`, { gateway, ...details });
export const providerNotConfigured = (gateway: string, variable: string) =>
  new DomainError('PAYMENT_PROVIDER_NOT_CONFIGURED', `The payment provider ${gateway} is not configured (${variable} is not set)`, { gateway });
/** The gateway answered and said no (bad amount, unknown payment, refund over the paid amount). */
export const providerRejected = (gateway: string, reason: string, details: Record<string, unknown> = {}) =>
  new DomainError('PAYMENT_PROVIDER_REJECTED', `The payment provider ${gateway} refused the request: ${reason}`, { gateway, ...details });
export const webhookInvalid = (gateway: string, reason: string) =>
  new DomainError('PAYMENT_WEBHOOK_INVALID', `Invalid ${gateway} notification: ${reason}`, { gateway });
export const webhookForbidden = (gateway: string, sourceIp: string | undefined) =>
  new DomainError('PAYMENT_WEBHOOK_FORBIDDEN', `${gateway} notifications are not accepted from this address`, { gateway, sourceIp: sourceIp ?? null });

export const paymentNotFound = (ref: string) => new DomainError('PAYMENT_NOT_FOUND', `No payment ${ref}`, { payment: ref });
export const paymentInvalid = (reason: string, field: string) => new DomainError('PAYMENT_INVALID', reason, { fields: [{ field, problems: [reason] }] });
export const paymentNotRefundable = (id: string, status: string) =>
  new DomainError('PAYMENT_NOT_REFUNDABLE', `Payment ${id} is ${status}; only a succeeded, unrefunded payment can be refunded`, { paymentId: id, status });
export const paymentCreditsSpent = (id: string, credits: number, available: number) =>
  new DomainError('PAYMENT_CREDITS_SPENT', `The credits of payment ${id} were already spent; refund with force to take what is left`, {
    paymentId: id,
    credits,
    available,
  });
