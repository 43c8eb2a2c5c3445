import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Action, Command, Ctx, On, Update } from 'nestjs-telegraf';
import { Markup } from 'telegraf';
import { AppConfig, DomainError, InjectRedis, SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { StarsPaymentsService, TariffPricing } from '@genbot/payments';
import { TariffsService, starsPrice } from '@genbot/tariffs';
import type { BotContext } from '../telegram/bot-context';
import { botIdOf } from '../telegram/bot-identity';
import { BUY_TEXTS } from './buy.texts';

/** A receipt marker outlives any redelivery of the same successful_payment by Telegram. */
const RECEIPT_MARKER_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Credits bought with Telegram Stars: /buy lists the tariffs on sale, a tariff's button sends its
 * invoice (one pending payment row each), Telegram's pre-checkout is answered by the payments lib,
 * and a successful_payment is settled once per charge id with one receipt.
 */
@Update()
export class BuyHandler {
  private readonly logger = new Logger(BuyHandler.name);
  private readonly receiptPrefix: string;

  constructor(
    private readonly stars: StarsPaymentsService,
    private readonly tariffs: TariffsService,
    private readonly settings: SettingsService,
    private readonly ledger: LedgerService,
    private readonly pricing: TariffPricing,
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.receiptPrefix = `bot:${botIdOf(config)}:receipt:`;
  }

  @Command('buy')
  async buy(@Ctx() ctx: BotContext): Promise<void> {
    await this.sendTariffs(ctx);
  }

  @Action('menu:buy')
  async buyButton(@Ctx() ctx: BotContext): Promise<void> {
    await ctx.answerCbQuery();
    await this.sendTariffs(ctx);
  }

  /** The tariffs on sale as buttons; `intro` goes above them (why the list is shown again). */
  async sendTariffs(ctx: BotContext, intro?: string): Promise<void> {
    const texts = BUY_TEXTS[ctx.state.lang];
    const tariffs = await this.tariffs.listActive();
    if (tariffs.length === 0) return void (await ctx.reply(texts.noTariffs));
    const rate = Number(await this.settings.get('stars_per_1000_credits'));
    // A tariff under the user's one-time discount shows the price its invoice will ask.
    const prices = await this.pricing.shown(
      ctx.state.user.id,
      tariffs.map((tariff) => ({ tariff, listMinor: starsPrice(tariff, rate) })),
    );
    const rows = tariffs.map((tariff, i) => [
      Markup.button.callback(texts.tariffButton(tariff.title[ctx.state.lang] ?? tariff.title.en, tariff.credits, prices[i]), `buy:${tariff.id}`),
    ]);
    await ctx.reply(intro ? `${intro}\n\n${texts.chooseTariff}` : texts.chooseTariff, Markup.inlineKeyboard(rows));
  }

  @Action(/^buy:([0-9a-f-]{36})$/)
  async chooseTariff(@Ctx() ctx: BotContext & { match: RegExpExecArray }): Promise<void> {
    const texts = BUY_TEXTS[ctx.state.lang];
    let invoice;
    try {
      invoice = await this.stars.createInvoice(ctx.state.user, ctx.match[1]);
    } catch (error) {
      // An old list's button for a tariff withdrawn or deleted since: say so and show today's list.
      if (!(error instanceof DomainError) || !['TARIFF_INACTIVE', 'TARIFF_NOT_FOUND'].includes(error.code)) throw error;
      await ctx.answerCbQuery(texts.tariffGone);
      return this.sendTariffs(ctx, texts.tariffGone);
    }
    await ctx.answerCbQuery();
    const tariff = await this.tariffs.get(invoice.payment.tariffId!);
    // Telegram takes invoice titles of at most 32 characters.
    const title = [...(tariff.title[ctx.state.lang] ?? invoice.title)].slice(0, 32).join('');
    await ctx.replyWithInvoice({
      title,
      description: texts.invoiceDescription(invoice.payment.credits),
      payload: invoice.payload,
      provider_token: '',
      currency: 'XTR',
      prices: [{ label: title, amount: invoice.stars }],
    });
  }

  /** Telegram waits at most 10 s for this answer: one payment row and one tariff read. */
  @On('pre_checkout_query')
  async preCheckout(@Ctx() ctx: BotContext): Promise<void> {
    const query = ctx.preCheckoutQuery!;
    const verdict = await this.stars.preCheckout(query, ctx.state.lang);
    await ctx.answerPreCheckoutQuery(verdict.ok, verdict.ok ? undefined : verdict.reason);
  }

  /**
   * Telegram may deliver one payment several times: the ledger credits once per charge id, and the
   * receipt marker (set before sending, dropped when the send fails) lets one receipt out.
   */
  @On('successful_payment')
  async paid(@Ctx() ctx: BotContext): Promise<void> {
    const message = ctx.message;
    if (!message || !('successful_payment' in message)) return;
    const paid = message.successful_payment;
    const texts = BUY_TEXTS[ctx.state.lang];
    const payment = await this.stars.settle(paid);
    const marker = this.receiptPrefix + paid.telegram_payment_charge_id;
    if (!(await this.redis.set(marker, '1', 'EX', RECEIPT_MARKER_TTL_SECONDS, 'NX'))) return;
    try {
      if (payment?.status !== 'succeeded') {
        this.logger.error({ charge: paid.telegram_payment_charge_id, payload: paid.invoice_payload }, 'Stars payment received but not matched to a payment');
        return void (await ctx.reply(texts.unmatchedPayment));
      }
      const { balance } = await this.ledger.balance(payment.userId);
      await ctx.reply(texts.receipt(payment.credits, balance));
    } catch (error) {
      await this.redis.del(marker);
      throw error;
    }
  }
}
