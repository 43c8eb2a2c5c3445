import { Injectable } from '@nestjs/common';
import { DiscountOffersService } from '@genbot/growth';
import type { Tariff } from '@genbot/tariffs';
import { discountedPrice } from '../domain/payment';

export interface TariffPrice {
  amountMinor: number;
  /** The user's one-time discount this payment took, else null. */
  discountPercent: number | null;
}

/**
 * What a user pays for a tariff: the one step every purchase of one goes through (card intents and
 * Stars invoices), so seed 003's one-time discount applies however the user buys. The payment takes
 * the offer as it is priced, once (DiscountOffersService.claim); a payment that is never made or
 * never paid gives it back (`release`).
 */
@Injectable()
export class TariffPricing {
  constructor(private readonly discounts: DiscountOffersService) {}

  /** `listMinor` is the tariff's price in the payment's currency; `paymentId` names the payment about to be created. */
  async price(input: { userId: string; tariff: Pick<Tariff, 'id'>; listMinor: number; paymentId: string }): Promise<TariffPrice> {
    const percent = await this.discounts.claim({ userId: input.userId, tariffId: input.tariff.id, paymentId: input.paymentId });
    return percent
      ? { amountMinor: discountedPrice(input.listMinor, percent), discountPercent: percent }
      : { amountMinor: input.listMinor, discountPercent: null };
  }

  /** The price a tariff's offer would give this user now, without taking it (to check a client's stated amount). */
  async offered(userId: string, tariff: Pick<Tariff, 'id'>, listMinor: number): Promise<number | undefined> {
    const offer = await this.discounts.active(userId);
    return offer && offer.tariffId === tariff.id ? discountedPrice(listMinor, offer.percent) : undefined;
  }

  /** The prices to show this user for tariffs at their list prices: the offered one discounted (nothing is taken). */
  async shown(userId: string, items: { tariff: Pick<Tariff, 'id'>; listMinor: number }[]): Promise<number[]> {
    const offer = await this.discounts.active(userId);
    return items.map(({ tariff, listMinor }) => (offer && offer.tariffId === tariff.id ? discountedPrice(listMinor, offer.percent) : listMinor));
  }

  /** These payments were never paid: their discounts go back to their users. */
  async release(paymentIds: string[]): Promise<void> {
    if (paymentIds.length > 0) await this.discounts.release(paymentIds);
  }
}
