import { credits } from '@genbot/telegram';
import type { Language } from '@genbot/users';

export interface BuyTexts {
  chooseTariff: string;
  noTariffs: string;
  /** One tariff's button: its title, the credits it buys and its price in Stars. */
  tariffButton: (title: string, credits: number, stars: number) => string;
  invoiceDescription: (credits: number) => string;
  tariffGone: string;
  receipt: (added: number, balance: number) => string;
  unmatchedPayment: string;
}

/** A title that already says the credits ("1000 credits") is not followed by them again. */
const button = (title: string, amount: string, stars: number) => (title === amount ? `${title} · ${stars} ⭐` : `${title} · ${amount} · ${stars} ⭐`);

export const BUY_TEXTS: Record<Language, BuyTexts> = {
  en: {
    chooseTariff: '💳 Choose a credit package (paid in Telegram Stars ⭐):',
    noTariffs: '💳 No credit packages are on sale right now. Please try again later.',
    tariffButton: (title, n, stars) => button(title, credits('en', n), stars),
    invoiceDescription: (n) => `${credits('en', n)} for generations in this bot`,
    tariffGone: 'This package is no longer sold. Here are the current ones.',
    receipt: (added, balance) => `✅ Payment received: +${credits('en', added)}.\n💰 Your balance: ${credits('en', balance)}`,
    unmatchedPayment: '⚠️ We received your payment but could not match it to an order. Support will sort it out; please write to us here.',
  },
  ru: {
    chooseTariff: '💳 Выберите пакет кредитов (оплата Telegram Stars ⭐):',
    noTariffs: '💳 Сейчас нет пакетов в продаже. Попробуйте позже.',
    tariffButton: (title, n, stars) => button(title, credits('ru', n), stars),
    invoiceDescription: (n) => `${credits('ru', n)} для генераций в этом боте`,
    tariffGone: 'Этот пакет больше не продаётся. Вот актуальные.',
    receipt: (added, balance) => `✅ Оплата получена: +${credits('ru', added)}.\n💰 Ваш баланс: ${credits('ru', balance)}`,
    unmatchedPayment: '⚠️ Мы получили оплату, но не смогли сопоставить её с заказом. Поддержка разберётся — напишите нам сюда.',
  },
  uz: {
    chooseTariff: "💳 Kredit paketini tanlang (Telegram Stars ⭐ bilan to'lov):",
    noTariffs: "💳 Hozircha sotuvda paketlar yo'q. Keyinroq urinib ko'ring.",
    tariffButton: (title, n, stars) => button(title, credits('uz', n), stars),
    invoiceDescription: (n) => `Ushbu botdagi generatsiyalar uchun ${credits('uz', n)}`,
    tariffGone: 'Bu paket endi sotilmaydi. Mana amaldagilari.',
    receipt: (added, balance) => `✅ To'lov qabul qilindi: +${credits('uz', added)}.\n💰 Balansingiz: ${credits('uz', balance)}`,
    unmatchedPayment: "⚠️ To'lovingiz keldi, lekin buyurtma bilan moslab bo'lmadi. Qo'llab-quvvatlash hal qiladi — shu yerga yozing.",
  },
};
