import { credits, plural } from '@genbot/telegram';
import type { Language } from '@genbot/users';

export interface InviteStats {
  invited: number;
  paid: number;
  earned: number;
}

export interface InviteTexts {
  invite: (link: string, percent: number, stats: InviteStats) => string;
  /** A daily bonus claimed now: what it granted, the streak, and what tomorrow brings; then the referral offer. */
  bonusClaimed: (b: BonusClaimed, referralPercent: number) => string;
  /** Today's bonus was taken already: the streak, and when and how much the next one is. */
  bonusWaiting: (b: BonusWaiting, referralPercent: number) => string;
}

export interface BonusClaimed {
  granted: number;
  streak: number;
  nextCredits: number;
}

export interface BonusWaiting {
  streak: number;
  nextCredits: number;
  /** Minutes until the next local day. */
  minutesLeft: number;
}

const DAYS = {
  en: { one: 'day', other: 'days' },
  ru: { one: 'день', few: 'дня', many: 'дней', other: 'дня' },
  uz: { other: 'kun' },
};

const wait = (minutes: number, h: string, m: string) =>
  minutes >= 60 ? `${Math.floor(minutes / 60)} ${h} ${minutes % 60} ${m}` : `${Math.max(minutes, 1)} ${m}`;

const FRIENDS = {
  en: { one: 'friend', other: 'friends' },
  ru: { one: 'друг', few: 'друга', many: 'друзей', other: 'друга' },
  uz: { other: "do'st" },
};

export const INVITE_TEXTS: Record<Language, InviteTexts> = {
  en: {
    invite: (link, percent, s) =>
      `🤝 Invite friends and get ${percent}% of the credits they buy.\n\nYour link:\n${link}\n\n` +
      `👥 Invited: ${plural('en', s.invited, FRIENDS.en)}\n💳 Paid: ${s.paid}\n🎁 Earned: ${credits('en', s.earned)}`,
    bonusClaimed: (b, percent) =>
      `🎁 Daily bonus: +${credits('en', b.granted)}\n🔥 Streak: ${plural('en', b.streak, DAYS.en)} in a row\n` +
      `Come back tomorrow for +${credits('en', b.nextCredits)}; a missed day starts the streak over.\n\n` +
      `• Invite friends (/invite): you get ${percent}% of the credits from each of their purchases.`,
    bonusWaiting: (b, percent) =>
      `⏳ You have taken today's bonus already.\n🔥 Streak: ${plural('en', b.streak, DAYS.en)} in a row\n` +
      `Next bonus (+${credits('en', b.nextCredits)}) in ${wait(b.minutesLeft, 'h', 'min')}.\n\n` +
      `• Invite friends (/invite): you get ${percent}% of the credits from each of their purchases.`,
  },
  ru: {
    invite: (link, percent, s) =>
      `🤝 Приглашайте друзей и получайте ${percent}% кредитов с их покупок.\n\nВаша ссылка:\n${link}\n\n` +
      `👥 Приглашено: ${plural('ru', s.invited, FRIENDS.ru)}\n💳 Оплатили: ${s.paid}\n🎁 Заработано: ${credits('ru', s.earned)}`,
    bonusClaimed: (b, percent) =>
      `🎁 Ежедневный бонус: +${credits('ru', b.granted)}\n🔥 Серия: ${plural('ru', b.streak, DAYS.ru)} подряд\n` +
      `Завтра: +${credits('ru', b.nextCredits)}; пропущенный день начинает серию заново.\n\n` +
      `• Приглашайте друзей (/invite): вы получаете ${percent}% кредитов с каждой их покупки.`,
    bonusWaiting: (b, percent) =>
      `⏳ Сегодняшний бонус уже получен.\n🔥 Серия: ${plural('ru', b.streak, DAYS.ru)} подряд\n` +
      `Следующий бонус (+${credits('ru', b.nextCredits)}) через ${wait(b.minutesLeft, 'ч', 'мин')}.\n\n` +
      `• Приглашайте друзей (/invite): вы получаете ${percent}% кредитов с каждой их покупки.`,
  },
  uz: {
    invite: (link, percent, s) =>
      `🤝 Do'stlaringizni taklif qiling va ular sotib olgan kreditlarning ${percent}% ini oling.\n\nSizning havolangiz:\n${link}\n\n` +
      `👥 Taklif qilingan: ${plural('uz', s.invited, FRIENDS.uz)}\n💳 To'lov qilgan: ${s.paid}\n🎁 Ishlab topilgan: ${credits('uz', s.earned)}`,
    bonusClaimed: (b, percent) =>
      `🎁 Kunlik bonus: +${credits('uz', b.granted)}\n🔥 Ketma-ket: ${plural('uz', b.streak, DAYS.uz)}\n` +
      `Ertaga: +${credits('uz', b.nextCredits)}; o'tkazib yuborilgan kun seriyani boshidan boshlaydi.\n\n` +
      `• Do'stlaringizni taklif qiling (/invite): ularning har bir xaridi kreditlarining ${percent}% i sizga.`,
    bonusWaiting: (b, percent) =>
      `⏳ Bugungi bonus allaqachon olingan.\n🔥 Ketma-ket: ${plural('uz', b.streak, DAYS.uz)}\n` +
      `Keyingi bonus (+${credits('uz', b.nextCredits)}) ${wait(b.minutesLeft, 'soat', 'daqiqa')} dan keyin.\n\n` +
      `• Do'stlaringizni taklif qiling (/invite): ularning har bir xaridi kreditlarining ${percent}% i sizga.`,
  },
};
