import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { Tariff, TariffsService, starsPrice, tariffInactive } from '@genbot/tariffs';
import { User, UsersService } from '@genbot/users';
import { Payment } from '../domain/payment';
import { paymentCreditsSpent, paymentNotFound, paymentNotRefundable, providerNotConfigured } from '../domain/payments.errors';
import { PaymentEntity } from '../infrastructure/payment.entity';
import { PaymentSettlement } from './payment-settlement';
import { TariffPricing } from './tariff-pricing';

/** Telegram's pre_checkout_query, as much of it as we read. */
export interface PreCheckoutQuery {
  from: { id: number | string };
  currency: string;
  total_amount: number;
  invoice_payload: string;
}

/** Telegram's successful_payment. */
export interface SuccessfulPayment {
  currency: string;
  total_amount: number;
  invoice_payload: string;
  telegram_payment_charge_id: string;
}

export interface StarsInvoice {
  payment: Payment;
  /** The invoice payload: names the payment, at most 128 bytes. */
  payload: string;
  title: string;
  description: string;
  stars: number;
}

const PAYLOAD_PREFIX = 'pay:';

const REFUSALS: Record<string, Record<'uz' | 'ru' | 'en', string>> = {
  unknown: { uz: "To'lov topilmadi, qaytadan urinib ko'ring.", ru: 'Платёж не найден, попробуйте ещё раз.', en: 'Payment not found, please try again.' },
  not_pending: { uz: "Bu to'lov allaqachon yakunlangan.", ru: 'Этот платёж уже завершён.', en: 'This payment is already closed.' },
  inactive: { uz: 'Bu tarif endi sotilmaydi.', ru: 'Этот тариф больше не продаётся.', en: 'This package is no longer sold.' },
  mismatch: { uz: "To'lov summasi mos kelmadi.", ru: 'Сумма платежа не совпадает.', en: 'The payment amount does not match.' },
  banned: { uz: 'Hisobingiz bloklangan.', ru: 'Ваш аккаунт заблокирован.', en: 'Your account is blocked.' },
};

/**
 * Telegram Stars (currency XTR): an invoice per pending payment row, Telegram's pre-checkout
 * gate, the credit keyed by telegram_payment_charge_id, and refunds through refundStarPayment.
 */
@Injectable()
export class StarsPaymentsService {
  private readonly logger = new Logger(StarsPaymentsService.name);

  constructor(
    @InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>,
    private readonly settlement: PaymentSettlement,
    private readonly tariffs: TariffsService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
    private readonly ledger: LedgerService,
    private readonly telegram: TelegramSender,
    private readonly pricing: TariffPricing,
  ) {}

  async createInvoice(user: User, tariffRef: string): Promise<StarsInvoice> {
    const tariff = await this.tariffs.get(tariffRef);
    if (!tariff.active) throw tariffInactive(tariff.slug);
    const listStars = starsPrice(tariff, Number(await this.settings.get('stars_per_1000_credits')));
    const lifetime = Number(await this.settings.get('payment_lifetime_minutes'));
    const id = randomUUID();
    const { amountMinor: stars } = await this.pricing.price({ userId: user.id, tariff, listMinor: listStars, paymentId: id });
    try {
      await this.payments.insert({
        id,
        provider: 'telegram',
        userId: user.id,
        tariffId: tariff.id,
        plan: tariff.slug,
        amountMinor: stars,
        currency: 'XTR',
        credits: tariff.credits,
        expiresAt: new Date(Date.now() + lifetime * 60_000),
      });
    } catch (error) {
      await this.pricing.release([id]);
      throw error;
    }
    const language = user.language ?? 'en';
    const payment = (await this.payments.findOneByOrFail({ id })) as Payment;
    return { payment, payload: `${PAYLOAD_PREFIX}${id}`, title: titleOf(tariff, language), description: `${tariff.credits} credits`, stars };
  }

  /** The invoice as a t.me link the Mini App opens with openInvoice. */
  async createInvoiceLink(user: User, tariffRef: string): Promise<{ invoice: StarsInvoice; link: string }> {
    if (!this.telegram.enabled) throw providerNotConfigured('telegram', 'BOT_TOKEN');
    const invoice = await this.createInvoice(user, tariffRef);
    const link = await this.telegram.createInvoiceLink({
      title: invoice.title,
      description: invoice.description,
      payload: invoice.payload,
      currency: 'XTR',
      amount: invoice.stars,
    });
    await this.payments.update({ id: invoice.payment.id }, { paymentUrl: link! });
    return { invoice, link: link! };
  }

  /**
   * Telegram asks before taking the Stars: yes only for a pending payment of an active tariff at its price, by a user in good standing.
   * The refusal is in `language` (the one the bot speaks to the user), else the user's stored one.
   */
  async preCheckout(query: PreCheckoutQuery, language?: 'uz' | 'ru' | 'en'): Promise<{ ok: true } | { ok: false; reason: string }> {
    const payment = await this.byPayload(query.invoice_payload);
    const user = payment ? await this.users.getById(payment.userId) : await this.users.getByTelegramId(String(query.from.id)).catch(() => undefined);
    const refuse = (why: keyof typeof REFUSALS) => ({ ok: false as const, reason: REFUSALS[why][language ?? user?.language ?? 'en'] });
    if (!payment || !user || user.telegramId !== String(query.from.id)) return refuse('unknown');
    if (user.isBanned) return refuse('banned');
    if (payment.status !== 'pending') return refuse('not_pending');
    if (payment.tariffId && !(await this.tariffs.get(payment.tariffId)).active) return refuse('inactive');
    if (query.currency !== payment.currency || query.total_amount !== payment.amountMinor) return refuse('mismatch');
    return { ok: true };
  }

  /** Credits a paid invoice once per telegram_payment_charge_id, however often Telegram reports it. */
  async settle(paid: SuccessfulPayment): Promise<Payment | undefined> {
    const payment = await this.byPayload(paid.invoice_payload);
    if (!payment) {
      this.logger.error({ payload: paid.invoice_payload, charge: paid.telegram_payment_charge_id }, 'Stars payment for an unknown invoice: not credited');
      return undefined;
    }
    if (paid.currency !== payment.currency || paid.total_amount !== payment.amountMinor) {
      this.logger.error({ paymentId: payment.id, paid }, 'Stars payment amount differs from the invoice: not credited');
      return undefined;
    }
    await this.settlement.credit(payment, paid.telegram_payment_charge_id);
    return (await this.payments.findOneByOrFail({ id: payment.id })) as Payment;
  }

  /** Returns the Stars and takes the credits back; refused when they were spent, unless forced (then what is left is taken). */
  async refund(paymentId: string, { force = false }: { force?: boolean } = {}): Promise<Payment> {
    const payment = (await this.payments.findOneBy({ id: paymentId, provider: 'telegram' })) as Payment | null;
    if (!payment) throw paymentNotFound(paymentId);
    if (payment.status !== 'succeeded' || !payment.externalId || payment.refundStatus === 'succeeded')
      throw paymentNotRefundable(payment.id, payment.refundStatus ?? payment.status);
    const { available } = await this.ledger.balance(payment.userId);
    if (!force && available < payment.credits) throw paymentCreditsSpent(payment.id, payment.credits, available);
    const user = await this.users.getById(payment.userId);
    await this.telegram.refundStarPayment(user.telegramId, payment.externalId);
    await this.settlement.reverse(payment, payment.amountMinor, false);
    return (await this.payments.findOneByOrFail({ id: payment.id })) as Payment;
  }

  private async byPayload(payload: string): Promise<Payment | null> {
    const id = payload.startsWith(PAYLOAD_PREFIX) ? payload.slice(PAYLOAD_PREFIX.length) : '';
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return (await this.payments.findOneBy({ id, provider: 'telegram' })) as Payment | null;
  }
}

function titleOf(tariff: Tariff, language: string): string {
  return tariff.title[language as 'uz' | 'ru' | 'en'] ?? tariff.title.en;
}
