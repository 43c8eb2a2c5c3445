import { credits } from '@genbot/telegram';
import type { Language } from '@genbot/users';

export interface DayReport {
  day: string;
  newUsers: number;
  activeUsers: number;
  creditsSpent: number;
  generations: number;
  payments: { currency: string; count: number; amountMinor: number; credits: number }[];
}

export interface UserProfile {
  telegramId: string;
  username: string | null;
  name: string;
  language: string;
  registered: string;
  balance: number;
  reserved: number;
  banned: boolean;
  banReason: string | null;
  blocked: boolean;
  invited: number;
  invitedPaid: number;
  referralEarned: number;
}

export interface AdminTexts {
  rateLimited: (seconds: number) => string;
  usageStats: string;
  usageUser: string;
  usageCredit: string;
  report: (r: DayReport) => string;
  userNotFound: (ref: string) => string;
  profile: (p: UserProfile) => string;
  credited: (amount: number, telegramId: string, balance: number) => string;
  alreadyCredited: string;
  notNotified: string;
  /** What the credited user is told. */
  youWereCredited: (amount: number, balance: number) => string;
}

/** Stars have no minor unit; kopecks and cents are hundredths. */
const money = (amountMinor: number, currency: string) => (currency === 'XTR' ? `${amountMinor} ⭐` : `${(amountMinor / 100).toFixed(2)} ${currency}`);
const paymentsLine = (r: DayReport, none: string) =>
  r.payments.length === 0 ? none : r.payments.map((p) => `${p.count} × ${p.currency}: ${money(p.amountMinor, p.currency)} (+${p.credits})`).join('; ');
const yes = { en: 'yes', ru: 'да', uz: 'ha' };
const no = { en: 'no', ru: 'нет', uz: "yo'q" };

export const ADMIN_TEXTS: Record<Language, AdminTexts> = {
  en: {
    rateLimited: (s) => `⛔ Too many admin commands: at most one per 2 s. Blocked for ${s} s.`,
    usageStats: 'Usage: /stats [YYYY-MM-DD]',
    usageUser: 'Usage: /user <telegram id | @username>',
    usageCredit: 'Usage: /credit <telegram id> <amount> <reason>',
    report: (r) =>
      `📊 Statistics for ${r.day}\n👤 New users: ${r.newUsers}\n🔥 Active users: ${r.activeUsers}\n` +
      `💸 Credits spent: ${r.creditsSpent}\n🎨 Paid generations: ${r.generations}\n💳 Payments: ${paymentsLine(r, 'none')}`,
    userNotFound: (ref) => `No user ${ref}.`,
    profile: (p) =>
      `👤 ${p.name}${p.username ? ` (@${p.username})` : ''}\nTelegram id: ${p.telegramId}\nLanguage: ${p.language}\nRegistered: ${p.registered}\n` +
      `💰 Balance: ${p.balance} · reserved: ${p.reserved} · available: ${p.balance - p.reserved}\n` +
      `⛔ Banned: ${p.banned ? `${yes.en}${p.banReason ? ` (${p.banReason})` : ''}` : no.en} · blocked the bot: ${p.blocked ? yes.en : no.en}\n` +
      `🤝 Invited: ${p.invited} · paid: ${p.invitedPaid} · earned: ${p.referralEarned}`,
    credited: (n, id, balance) => `✅ Credited ${credits('en', n)} to ${id}. Their balance: ${credits('en', balance)}.`,
    alreadyCredited: 'ℹ️ This command was already carried out; nothing was credited again.',
    notNotified: '⚠️ The user has blocked the bot and was not notified.',
    youWereCredited: (n, balance) => `🎁 You received ${credits('en', n)}.\n💰 Your balance: ${credits('en', balance)}`,
  },
  ru: {
    rateLimited: (s) => `⛔ Слишком много админ-команд: не чаще одной в 2 с. Блокировка на ${s} с.`,
    usageStats: 'Использование: /stats [ГГГГ-ММ-ДД]',
    usageUser: 'Использование: /user <telegram id | @username>',
    usageCredit: 'Использование: /credit <telegram id> <сумма> <причина>',
    report: (r) =>
      `📊 Статистика за ${r.day}\n👤 Новые пользователи: ${r.newUsers}\n🔥 Активные пользователи: ${r.activeUsers}\n` +
      `💸 Потрачено кредитов: ${r.creditsSpent}\n🎨 Платных генераций: ${r.generations}\n💳 Платежи: ${paymentsLine(r, 'нет')}`,
    userNotFound: (ref) => `Пользователь ${ref} не найден.`,
    profile: (p) =>
      `👤 ${p.name}${p.username ? ` (@${p.username})` : ''}\nTelegram id: ${p.telegramId}\nЯзык: ${p.language}\nРегистрация: ${p.registered}\n` +
      `💰 Баланс: ${p.balance} · в резерве: ${p.reserved} · доступно: ${p.balance - p.reserved}\n` +
      `⛔ Забанен: ${p.banned ? `${yes.ru}${p.banReason ? ` (${p.banReason})` : ''}` : no.ru} · заблокировал бота: ${p.blocked ? yes.ru : no.ru}\n` +
      `🤝 Приглашено: ${p.invited} · оплатили: ${p.invitedPaid} · заработано: ${p.referralEarned}`,
    credited: (n, id, balance) => `✅ Начислено ${credits('ru', n)} пользователю ${id}. Его баланс: ${credits('ru', balance)}.`,
    alreadyCredited: 'ℹ️ Эта команда уже выполнена; повторно ничего не начислено.',
    notNotified: '⚠️ Пользователь заблокировал бота и не получил уведомление.',
    youWereCredited: (n, balance) => `🎁 Вам начислено ${credits('ru', n)}.\n💰 Ваш баланс: ${credits('ru', balance)}`,
  },
  uz: {
    rateLimited: (s) => `⛔ Admin buyruqlari juda ko'p: 2 soniyada bittadan oshmasin. ${s} soniyaga bloklandi.`,
    usageStats: 'Foydalanish: /stats [YYYY-MM-DD]',
    usageUser: 'Foydalanish: /user <telegram id | @username>',
    usageCredit: 'Foydalanish: /credit <telegram id> <miqdor> <sabab>',
    report: (r) =>
      `📊 ${r.day} statistikasi\n👤 Yangi foydalanuvchilar: ${r.newUsers}\n🔥 Faol foydalanuvchilar: ${r.activeUsers}\n` +
      `💸 Sarflangan kreditlar: ${r.creditsSpent}\n🎨 Pullik generatsiyalar: ${r.generations}\n💳 To'lovlar: ${paymentsLine(r, "yo'q")}`,
    userNotFound: (ref) => `${ref} foydalanuvchisi topilmadi.`,
    profile: (p) =>
      `👤 ${p.name}${p.username ? ` (@${p.username})` : ''}\nTelegram id: ${p.telegramId}\nTil: ${p.language}\nRo'yxatdan o'tgan: ${p.registered}\n` +
      `💰 Balans: ${p.balance} · band: ${p.reserved} · mavjud: ${p.balance - p.reserved}\n` +
      `⛔ Bloklangan: ${p.banned ? `${yes.uz}${p.banReason ? ` (${p.banReason})` : ''}` : no.uz} · botni bloklagan: ${p.blocked ? yes.uz : no.uz}\n` +
      `🤝 Taklif qilingan: ${p.invited} · to'lagan: ${p.invitedPaid} · ishlab topilgan: ${p.referralEarned}`,
    credited: (n, id, balance) => `✅ ${id} ga ${credits('uz', n)} qo'shildi. Balansi: ${credits('uz', balance)}.`,
    alreadyCredited: "ℹ️ Bu buyruq allaqachon bajarilgan; qayta hech narsa qo'shilmadi.",
    notNotified: '⚠️ Foydalanuvchi botni bloklagan, xabar yuborilmadi.',
    youWereCredited: (n, balance) => `🎁 Sizga ${credits('uz', n)} qo'shildi.\n💰 Balansingiz: ${credits('uz', balance)}`,
  },
};
