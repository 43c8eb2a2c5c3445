import { DomainError } from '@genbot/core';

export type TariffLanguage = 'uz' | 'ru' | 'en';

/** A credit package. Prices are integer minor units per ISO currency (`XTR` Stars, `RUB` kopecks, `USD` cents). */
export interface Tariff {
  id: string;
  slug: string;
  title: Record<TariffLanguage, string>;
  credits: number;
  prices: Record<string, number>;
  monthlyTokens: number | null;
  badge: string | null;
  active: boolean;
  sort: number;
  createdAt: Date;
}

export const TARIFFS_ERROR_STATUSES: Record<string, number> = {
  TARIFF_NOT_FOUND: 404,
  TARIFF_INACTIVE: 409,
  TARIFF_NO_PRICE: 422,
};

export const tariffNotFound = (ref: string) => new DomainError('TARIFF_NOT_FOUND', `No tariff ${ref}`, { tariff: ref });
export const tariffInactive = (slug: string) => new DomainError('TARIFF_INACTIVE', `The tariff ${slug} is no longer sold`, { tariff: slug });
export const tariffNoPrice = (slug: string, currency: string) =>
  new DomainError('TARIFF_NO_PRICE', `The tariff ${slug} has no price in ${currency}`, { tariff: slug, currency });

/** Stars for a tariff: its own XTR price, else the operator's rate (stars per 1000 credits), rounded up. */
export function starsPrice(tariff: Pick<Tariff, 'prices' | 'credits'>, starsPer1000Credits: number): number {
  return tariff.prices.XTR ?? Math.ceil((tariff.credits * starsPer1000Credits) / 1000);
}
