import { Injectable, Logger } from '@nestjs/common';
import { Metrics, SettingsService } from '@genbot/core';
import { WaitingPaymentsService } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import { UsersService } from '@genbot/users';
import { Payment, creditKey, referralReward, refundedCreditsFor } from '../domain/payment';
import { paymentCreditsSpent } from '../domain/payments.errors';
import { PaymentsRepository } from '../infrastructure/payments.repository';

/**
 * Where payments become credits. Every movement is a ledger transfer with a key derived from the
 * payment (the credit from the provider's id), so a notification, a re-fetch, a reconciliation
 * pass and a retry, in any order and at once, move the money once. The payments row only mirrors
 * what the ledger already holds, so it is updated after the transfer and idempotently.
 */
@Injectable()
export class PaymentSettlement {
  private readonly logger = new Logger(PaymentSettlement.name);

  constructor(
    private readonly repository: PaymentsRepository,
    private readonly ledger: LedgerService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
    private readonly waiting: WaitingPaymentsService,
    private readonly metrics: Metrics,
  ) {}

  /** Credits a payment the provider has confirmed (amount already checked by the caller); true when this call moved the credits. */
  async credit(payment: Payment, externalId: string): Promise<boolean> {
    const { created } = await this.ledger.transfer({
      idempotencyKey: creditKey(payment.provider, externalId),
      from: { system: 'purchases' },
      to: { userId: payment.userId },
      amount: payment.credits,
      kind: payment.provider === 'telegram' ? 'purchase' : 'gateway_payment',
      reference: payment.id,
      meta: {
        provider: payment.provider,
        paymentId: payment.id,
        externalId,
        currency: payment.currency,
        ...(payment.currency === 'RUB' ? { amountRub: payment.amountMinor / 100 } : {}),
        ...(payment.plan ? { plan: payment.plan } : {}),
      },
    });
    await this.repository.markSucceeded(payment.id, externalId);
    if (created) this.metrics.payment(payment.provider, 'succeeded');
    if (created) this.logger.log({ paymentId: payment.id, provider: payment.provider, credits: payment.credits }, 'payment credited');
    await this.rewardReferrer(payment);
    // Seed 001: jobs parked for want of credits start now that the balance covers them.
    await this.waiting.resume(payment.userId);
    return created;
  }

  /**
   * Takes back the credits of `refundedMinor` of the payment. `strict`: refuse (PAYMENT_CREDITS_SPENT)
   * when the user no longer has them; otherwise take what is available, since the money has left already.
   */
  async reverse(payment: Payment, refundedMinor: number, strict: boolean): Promise<number> {
    const target = refundedCreditsFor(payment, refundedMinor);
    const owed = target - payment.refundedCredits;
    let taken = 0;
    if (owed > 0) {
      const { available } = await this.ledger.balance(payment.userId);
      if (strict && available < owed) throw paymentCreditsSpent(payment.id, owed, available);
      taken = Math.min(owed, available);
      if (taken > 0) {
        await this.ledger.transfer({
          idempotencyKey: `payment-refund:${payment.provider}:${payment.id}:${target}`,
          from: { userId: payment.userId },
          to: { system: 'refunds' },
          amount: taken,
          kind: 'refund',
          reference: payment.id,
          meta: { provider: payment.provider, paymentId: payment.id, currency: payment.currency, refundedMinor },
        });
      }
      if (taken < owed) this.logger.warn({ paymentId: payment.id, owed, taken }, 'refund: the user had spent part of the credits; took what was left');
    }
    await this.repository.markRefunded(payment.id, refundedMinor, target);
    return taken;
  }

  /** Seed 002: the inviter earns referral_percent of the credits, rounded up, once per payment. */
  private async rewardReferrer(payment: Payment): Promise<void> {
    const invitee = await this.users.getById(payment.userId);
    if (!invitee.referrerId) return;
    const reward = referralReward(payment.credits, Number(await this.settings.get('referral_percent')));
    if (reward <= 0) return;
    await this.ledger.transfer({
      idempotencyKey: `referral-reward:${payment.id}`,
      from: { system: 'bonuses' },
      to: { userId: invitee.referrerId },
      amount: reward,
      kind: 'referral_bonus',
      reference: payment.id,
      meta: { paymentId: payment.id, inviteeId: invitee.id },
    });
    await this.repository.setReferralReward(payment.id, reward);
  }

  /** Seed 002's referral figures: invitees with a succeeded payment, and the credits their payments earned the inviter. */
  referralStats(inviterId: string): Promise<{ paidCount: number; earnedCredits: number }> {
    return this.repository.referralStats(inviterId);
  }
}
