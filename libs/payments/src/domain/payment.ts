export type PaymentProvider = 'yookassa' | 'stripe' | 'telegram';
export type PaymentStatus = 'pending' | 'succeeded' | 'canceled' | 'expired';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** One payment at one provider (seed 002's payment_ledger row). Money in minor units of `currency`. */
export interface Payment {
  id: string;
  provider: PaymentProvider;
  externalId: string | null;
  userId: string;
  tariffId: string | null;
  plan: string | null;
  amountMinor: number;
  currency: string;
  credits: number;
  status: PaymentStatus;
  refundStatus: RefundStatus | null;
  refundedMinor: number;
  refundedCredits: number;
  referralReward: number;
  idempotencyKey: string | null;
  paymentUrl: string | null;
  createdAt: Date;
  expiresAt: Date;
  succeededAt: Date | null;
}

/** The ledger key of a payment's credit: the provider's own id, so however a payment is reported it credits once. */
export const creditKey = (provider: PaymentProvider, externalId: string) => `payment:${provider}:${externalId}`;

/** Credits owed back for `refundedMinor` of the payment, proportionally, never more than it bought. */
export function refundedCreditsFor(payment: Pick<Payment, 'amountMinor' | 'credits'>, refundedMinor: number): number {
  return Math.min(payment.credits, Math.ceil((payment.credits * refundedMinor) / payment.amountMinor));
}

/** Seed 002: the inviter's reward, rounded up. */
export const referralReward = (credits: number, percent: number) => Math.ceil((credits * percent) / 100);

/** A price `percent` off, in whole minor units (kopecks, Stars), never below one. */
export const discountedPrice = (amountMinor: number, percent: number) => Math.max(1, Math.round((amountMinor * (100 - percent)) / 100));
