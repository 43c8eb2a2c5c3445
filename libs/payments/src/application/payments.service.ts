import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { IsNull, LessThan, Not, Repository } from 'typeorm';
import { AppConfig, DomainError, Metrics, SettingsService } from '@genbot/core';
import { WaitingPaymentsService } from '@genbot/generations';
import { TariffsService, tariffInactive, tariffNoPrice } from '@genbot/tariffs';
import { User, UsersService } from '@genbot/users';
import { Payment, PaymentProvider } from '../domain/payment';
import { paymentInvalid } from '../domain/payments.errors';
import { PaymentEntity } from '../infrastructure/payment.entity';
import { PaymentsRepository } from '../infrastructure/payments.repository';
import { PAYMENT_GATEWAYS, GatewayWebhookRequest, PaymentGateway, PaymentGatewayName } from './ports/payment-gateway';
import { PaymentSettlement } from './payment-settlement';
import { TariffPricing } from './tariff-pricing';
import { PreCheckoutQuery, StarsInvoice, StarsPaymentsService, SuccessfulPayment } from './stars-payments.service';

export interface CreateIntentInput {
  userId: string;
  provider: PaymentGatewayName;
  /** Roubles (two decimals at most); with `plan`, must equal the tariff's price. */
  amountRub?: number;
  /** A tariff slug or id. */
  plan?: string;
  /** Already scoped by the caller (per API client). */
  idempotencyKey?: string;
}

export interface ReconcileReport {
  checked: number;
  credited: string[];
  canceled: string[];
  expired: string[];
  /** Generations parked as waiting_payment for longer than waiting_payment_timeout_minutes, now failed. */
  waitingFailed: string[];
}

/** Pending card payments younger than this are left to their notification. */
const RECONCILE_MIN_AGE_MS = 60_000;

/**
 * Card payments (YooKassa, Stripe): intents, notifications and reconciliation. A notification is a
 * hint: the payment is re-read from the gateway, and only a succeeded one with our amount and
 * currency is credited, through PaymentSettlement, whose ledger keys make every path credit once.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    @InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>,
    private readonly repository: PaymentsRepository,
    @Inject(PAYMENT_GATEWAYS) private readonly gateways: PaymentGateway[],
    private readonly settlement: PaymentSettlement,
    private readonly tariffs: TariffsService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly stars: StarsPaymentsService,
    private readonly waiting: WaitingPaymentsService,
    private readonly metrics: Metrics,
    private readonly pricing: TariffPricing,
  ) {}

  // Telegram Stars, for the bot's handlers (see StarsPaymentsService).
  createStarsInvoice(user: User, tariff: string): Promise<StarsInvoice> {
    return this.stars.createInvoice(user, tariff);
  }
  preCheckout(query: PreCheckoutQuery): Promise<{ ok: true } | { ok: false; reason: string }> {
    return this.stars.preCheckout(query);
  }
  settleStars(paid: SuccessfulPayment): Promise<Payment | undefined> {
    return this.stars.settle(paid);
  }
  refundStars(paymentId: string, options: { force?: boolean } = {}): Promise<Payment> {
    return this.stars.refund(paymentId, options);
  }

  /**
   * Creates the gateway payment first and records it after, so a gateway that is down leaves no
   * row behind; the payment id is derived from the idempotency key, so a retry sends the gateway
   * the same request under the same key and gets the same payment back.
   */
  async createIntent(input: CreateIntentInput): Promise<Payment> {
    const user = await this.users.getById(input.userId);
    if (input.idempotencyKey) {
      const existing = await this.payments.findOneBy({ idempotencyKey: input.idempotencyKey });
      if (existing) return sameIntentOrConflict(existing, input);
    }
    const gateway = this.gateway(input.provider);
    const id = input.idempotencyKey ? uuidFromKey(input.idempotencyKey) : randomUUID();
    const { amountMinor, credits, tariffId, plan } = await this.price(input, id);
    try {
      const created = await gateway.createPayment({
        paymentId: id,
        amountMinor,
        currency: 'RUB',
        description: plan ? `${plan}: ${credits} credits` : `${credits} credits`,
        returnUrl: this.returnUrl(),
        metadata: { user_id: user.id },
        idempotencyKey: `intent:${id}`,
      });
      const lifetime = Number(await this.settings.get('payment_lifetime_minutes'));
      await this.repository.insertOnce({
        id,
        provider: input.provider,
        externalId: created.externalId,
        userId: user.id,
        tariffId,
        plan,
        amountMinor,
        currency: 'RUB',
        credits,
        idempotencyKey: input.idempotencyKey ?? null,
        paymentUrl: created.confirmationUrl,
        expiresAt: new Date(Date.now() + lifetime * 60_000),
      });
    } catch (error) {
      // No payment was made: a discount it took goes back (unless a same-key twin made it meanwhile).
      if (!(await this.payments.existsBy({ id }))) await this.pricing.release([id]);
      throw error;
    }
    return (await this.payments.findOneByOrFail({ id })) as Payment;
  }

  /** Seed 000's daily report: the payments that succeeded on `day` (YYYY-MM-DD), per currency. */
  succeededOn(day: string): Promise<{ currency: string; count: number; amountMinor: number; credits: number }[]> {
    return this.repository.succeededOn(day);
  }

  async get(id: string): Promise<Payment | null> {
    return this.payments.findOneBy({ id });
  }

  /** The user's payments at one provider, newest first (seed 003's `yookassa_payments`). */
  async listForUser(userId: string, provider: PaymentProvider, limit = 100): Promise<Payment[]> {
    return (await this.payments.find({ where: { userId, provider }, order: { createdAt: 'DESC' }, take: limit })) as Payment[];
  }

  /** A gateway's notification; unknown payments and repeated events are answered and ignored. */
  async handleWebhook(provider: PaymentGatewayName, request: GatewayWebhookRequest): Promise<void> {
    const gateway = this.gateway(provider);
    const event = gateway.parseWebhook(request);
    if (event.type === 'ignored') return;
    if (event.eventId && (await this.seenEvent(provider, event.eventId))) return;
    const payment =
      (event.externalId ? await this.payments.findOneBy({ provider, externalId: event.externalId }) : null) ??
      (event.paymentId && /^[0-9a-f-]{36}$/i.test(event.paymentId) ? await this.payments.findOneBy({ provider, id: event.paymentId }) : null);
    if (!payment) {
      this.logger.warn({ provider, externalId: event.externalId, event: event.gatewayEvent }, 'notification about an unknown payment ignored');
      return;
    }
    await this.sync(payment, gateway);
    // Recorded only once handled: an event that failed half-way is processed again when resent.
    if (event.eventId) await this.repository.recordEvent(provider, event.eventId);
  }

  /** Re-reads pending card payments older than a minute, settles them as a notification would, then expires the overdue. */
  async reconcile(now = new Date()): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, credited: [], canceled: [], expired: [], waitingFailed: [] };
    const pending = await this.payments.find({
      where: { status: 'pending', provider: Not('telegram'), externalId: Not(IsNull()), createdAt: LessThan(new Date(now.getTime() - RECONCILE_MIN_AGE_MS)) },
      order: { createdAt: 'ASC' },
      take: 200,
    });
    for (const payment of pending) {
      report.checked++;
      try {
        const outcome = await this.sync(payment, this.gateway(payment.provider as PaymentGatewayName));
        if (outcome === 'credited') report.credited.push(payment.id);
        if (outcome === 'canceled') report.canceled.push(payment.id);
      } catch (error) {
        this.logger.warn({ err: error, paymentId: payment.id }, 'reconciliation could not read a payment; next pass retries');
      }
    }
    report.expired = await this.repository.expirePendingBefore(now);
    // Unpaid: the discounts they took go back to their users.
    await this.pricing.release(report.expired);
    const wait = Number(await this.settings.get('waiting_payment_timeout_minutes'));
    report.waitingFailed = await this.waiting.failOverdue(new Date(now.getTime() - wait * 60_000));
    return report;
  }

  /** Applies what the gateway says about a payment: credits a matching success, marks a cancellation, reverses a refund. */
  private async sync(payment: Payment, gateway: PaymentGateway): Promise<'credited' | 'canceled' | 'none'> {
    const remote = await gateway.fetchPayment(payment.externalId!);
    if (remote.status === 'succeeded') {
      if (remote.amountMinor !== payment.amountMinor || remote.currency.toUpperCase() !== payment.currency) {
        this.logger.error(
          { paymentId: payment.id, remote: { amount: remote.amountMinor, currency: remote.currency } },
          'gateway amount differs from ours: not credited',
        );
        return 'none';
      }
      const credited = await this.settlement.credit(payment, remote.externalId);
      const refunded = remote.refundedMinor ?? 0;
      if (refunded > 0) await this.settlement.reverse((await this.payments.findOneByOrFail({ id: payment.id })) as Payment, refunded, false);
      return credited ? 'credited' : 'none';
    }
    if (remote.status === 'canceled') {
      const result = await this.payments.update({ id: payment.id, status: 'pending' }, { status: 'canceled' });
      if (!result.affected) return 'none';
      await this.pricing.release([payment.id]);
      this.metrics.payment(payment.provider, 'canceled');
      return 'canceled';
    }
    return 'none';
  }

  /**
   * The amount and credits of the payment `paymentId` is about to be. A plan is priced by
   * TariffPricing, which applies (and takes) the user's one-time discount for it; a client's
   * `amountRub` must then be the plan's price or its discounted one.
   */
  private async price(
    input: CreateIntentInput,
    paymentId: string,
  ): Promise<{ amountMinor: number; credits: number; tariffId: string | null; plan: string | null }> {
    const given = input.amountRub === undefined ? undefined : Math.round(input.amountRub * 100);
    if (given !== undefined && (given <= 0 || Math.abs(given - input.amountRub! * 100) > 1e-6))
      throw paymentInvalid('amountRub must be positive with at most two decimals', 'amountRub');
    if (input.plan) {
      const tariff = await this.tariffs.get(input.plan);
      if (!tariff.active) throw tariffInactive(tariff.slug);
      const list = tariff.prices.RUB;
      if (list === undefined) throw tariffNoPrice(tariff.slug, 'RUB');
      const wrongAmount = () => paymentInvalid(`amountRub must be the plan's price, ${list / 100}`, 'amountRub');
      if (given !== undefined && given !== list && given !== (await this.pricing.offered(input.userId, tariff, list))) throw wrongAmount();
      const { amountMinor } = await this.pricing.price({ userId: input.userId, tariff, listMinor: list, paymentId });
      // The discounted amount was asked for, but another payment took the offer first.
      if (given !== undefined && given !== amountMinor && given !== list) throw wrongAmount();
      return { amountMinor, credits: tariff.credits, tariffId: tariff.id, plan: tariff.slug };
    }
    if (given === undefined) throw paymentInvalid('Give amountRub or plan', 'amountRub');
    const credits = Math.floor((given / 100) * Number(await this.settings.get('credits_per_rub')));
    if (credits <= 0) throw paymentInvalid('amountRub buys no credits', 'amountRub');
    return { amountMinor: given, credits, tariffId: null, plan: null };
  }

  gateway(name: PaymentGatewayName): PaymentGateway {
    return this.gateways.find((gateway) => gateway.name === name)!;
  }

  private seenEvent(provider: PaymentProvider, eventId: string): Promise<boolean> {
    return this.repository.seenEvent(provider, eventId);
  }

  private returnUrl(): string {
    const env = this.config.env;
    return env.PAYMENT_RETURN_URL ?? env.MINI_APP_URL ?? (env.BOT_USERNAME ? `https://t.me/${env.BOT_USERNAME}` : 'https://t.me/');
  }
}

/** A UUID derived from the idempotency key: the same key always names the same payment. */
function uuidFromKey(key: string): string {
  const hex = createHash('sha256').update(`payment-intent:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sameIntentOrConflict(existing: Payment, input: CreateIntentInput): Payment {
  // A plan's payment may be discounted below the price the client stated: the plan is what must match.
  const sameAmount =
    input.amountRub === undefined || Math.round(input.amountRub * 100) === existing.amountMinor || (existing.plan !== null && input.plan !== undefined);
  if (existing.userId === input.userId && existing.provider === input.provider && sameAmount) return existing;
  throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different payment', { paymentId: existing.id });
}
