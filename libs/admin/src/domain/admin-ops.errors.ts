import { DomainError } from '@genbot/core';

export const generationNotCharged = (id: string, why: string) =>
  new DomainError('GENERATION_NOT_CHARGED', `Generation ${id} charged no credits to refund: ${why}`, { generationId: id });
export const generationAlreadyRefunded = (id: string) =>
  new DomainError('GENERATION_ALREADY_REFUNDED', `Generation ${id} was refunded already`, { generationId: id });
export const paymentRefundUnsupported = (id: string, provider: string) =>
  new DomainError(
    'PAYMENT_REFUND_UNSUPPORTED',
    `Payments through ${provider} are refunded in the ${provider} dashboard; only Telegram Stars refunds go through the admin API`,
    {
      paymentId: id,
      provider,
    },
  );
export const settingsInvalid = (fields: { field: string; problems: string[] }[]) =>
  new DomainError('VALIDATION_FAILED', `Invalid settings: ${fields.map((f) => `${f.field} (${f.problems.join('; ')})`).join(', ')}`, { fields });

/** The operators' endpoints' own codes as HTTP statuses, for admin-api's `createHttpApp`. */
export const ADMIN_OPS_ERROR_STATUSES: Readonly<Record<string, number>> = {
  GENERATION_NOT_CHARGED: 409,
  GENERATION_ALREADY_REFUNDED: 409,
  PAYMENT_REFUND_UNSUPPORTED: 409,
};
