import type { Language } from '@genbot/users';

/** Seed 003's one-time offer, in the user's language. */
export const DISCOUNT_OFFER_TEXTS: Record<Language, (percent: number, tariff: string, hours: number) => string> = {
  en: (percent, tariff, hours) => `🎁 A one-time offer for you: −${percent}% on “${tariff}” for the next ${hours} h. Open /buy to take it.`,
  ru: (percent, tariff, hours) => `🎁 Разовое предложение для вас: −${percent}% на «${tariff}» в ближайшие ${hours} ч. Откройте /buy, чтобы воспользоваться.`,
  uz: (percent, tariff, hours) =>
    `🎁 Siz uchun bir martalik taklif: «${tariff}» uchun −${percent}%, keyingi ${hours} soat davomida. Foydalanish uchun /buy ni oching.`,
};
