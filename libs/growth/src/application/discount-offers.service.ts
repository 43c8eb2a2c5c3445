import { Injectable, Logger } from '@nestjs/common';
import { DomainError, SettingsService } from '@genbot/core';
import { TelegramSender } from '@genbot/telegram';
import { UsersService, isLanguage, preferredLanguage } from '@genbot/users';
import { DiscountOffer, DiscountOffersRepository } from '../infrastructure/discount-offers.repository';
import { DISCOUNT_OFFER_TEXTS } from './discount.texts';

const BATCH = 200;

/**
 * Seed 003's one-time discount (`discount_offered`): a user who generated but never paid is offered
 * a tariff at `discount_offer_percent` off, once, `discount_offer_delay_hours` after generating.
 * The offer row and the message go together: the row is inserted in the transaction that sends,
 * so a failed send is retried by the next tick and a second worker waits, then finds the row.
 * The payments side applies it: a payment for the offered tariff `claim`s it as it is created, and
 * `release`s it when that payment is never paid.
 */
@Injectable()
export class DiscountOffersService {
  private readonly logger = new Logger(DiscountOffersService.name);

  constructor(
    private readonly repository: DiscountOffersRepository,
    private readonly settings: SettingsService,
    private readonly telegram: TelegramSender,
    private readonly users: UsersService,
  ) {}

  /** The worker's tick; returns how many offers this call made. */
  async offerDue(): Promise<number> {
    const [percent, delay, valid, slug] = await Promise.all(
      ['discount_offer_percent', 'discount_offer_delay_hours', 'discount_offer_valid_hours', 'discount_offer_tariff'].map((key) => this.settings.get(key)),
    );
    const offer = { percent: Number(percent), delayHours: Number(delay), validHours: Number(valid) };
    if (!(Number.isInteger(offer.percent) && offer.percent > 0 && offer.percent < 100)) return 0;
    if (!(Number.isInteger(offer.delayHours) && offer.delayHours >= 0 && Number.isInteger(offer.validHours) && offer.validHours > 0)) return 0;
    const tariff = await this.repository.tariff(String(slug));
    if (!tariff || !this.telegram.enabled) return 0;

    let made = 0;
    for (const user of await this.repository.candidates(offer.delayHours, BATCH)) {
      const lang = preferredLanguage({ language: isLanguage(user.language) ? user.language : null }, user.languageCode);
      const text = DISCOUNT_OFFER_TEXTS[lang](offer.percent, tariff.title[lang] ?? tariff.title.en ?? String(slug), offer.validHours);
      try {
        const offered = await this.repository.transaction(async (em) => {
          if (!(await this.repository.insert(em, user.userId, { tariffId: tariff.id, percent: offer.percent, validHours: offer.validHours }))) return false;
          await this.telegram.sendText(user.telegramId, text);
          return true;
        });
        if (offered) made++;
      } catch (error) {
        // A user who blocked the bot cannot be offered anything; the next tick skips them.
        if (error instanceof DomainError && error.code === 'TELEGRAM_BLOCKED') await this.users.setBlocked({ id: user.userId }, true);
        else this.logger.warn({ err: error, userId: user.userId }, 'discount offer not sent; retried next tick');
      }
    }
    return made;
  }

  /** Seed 003's `discount_offered`. */
  async offered(userId: string): Promise<boolean> {
    return (await this.repository.find(userId)) !== undefined;
  }

  /** The offer a purchase may still use: made, unused and unexpired. */
  async active(userId: string): Promise<DiscountOffer | undefined> {
    const offer = await this.repository.find(userId);
    return offer && offer.usedAt === null && offer.expiresAt.getTime() > Date.now() ? offer : undefined;
  }

  /**
   * The percent off `paymentId` gets, when it is a payment for the offered tariff and the offer is
   * unused and unexpired (or already this payment's); undefined otherwise. Once per offer, however
   * many payments are made at once.
   */
  claim(input: { userId: string; tariffId: string; paymentId: string }): Promise<number | undefined> {
    return this.repository.claim(input.userId, input.tariffId, input.paymentId);
  }

  /** These payments were never paid (expired, canceled, not created): their users may use the offer again while it lasts. */
  release(paymentIds: string[]): Promise<number> {
    return this.repository.release(paymentIds);
  }
}
