import { credits, plural } from '@genbot/telegram';
import type { Language } from '@genbot/users';

export interface InviteStats {
  invited: number;
  paid: number;
  earned: number;
}

export interface InviteTexts {
  invite: (link: string, percent: number, stats: InviteStats) => string;
  /** The bonuses that exist today: the welcome bonus (0: none) and the referral percent. */
  bonus: (welcomeCredits: number, referralPercent: number) => string;
}

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
    bonus: (welcome, percent) =>
      `🎁 Bonuses\n\n` +
      (welcome > 0 ? `• Every new user gets ${credits('en', welcome)} on sign-up.\n` : '') +
      `• Invite friends (/invite): you get ${percent}% of the credits from each of their purchases.`,
  },
  ru: {
    invite: (link, percent, s) =>
      `🤝 Приглашайте друзей и получайте ${percent}% кредитов с их покупок.\n\nВаша ссылка:\n${link}\n\n` +
      `👥 Приглашено: ${plural('ru', s.invited, FRIENDS.ru)}\n💳 Оплатили: ${s.paid}\n🎁 Заработано: ${credits('ru', s.earned)}`,
    bonus: (welcome, percent) =>
      `🎁 Бонусы\n\n` +
      (welcome > 0 ? `• Каждый новый пользователь получает ${credits('ru', welcome)} при регистрации.\n` : '') +
      `• Приглашайте друзей (/invite): вы получаете ${percent}% кредитов с каждой их покупки.`,
  },
  uz: {
    invite: (link, percent, s) =>
      `🤝 Do'stlaringizni taklif qiling va ular sotib olgan kreditlarning ${percent}% ini oling.\n\nSizning havolangiz:\n${link}\n\n` +
      `👥 Taklif qilingan: ${plural('uz', s.invited, FRIENDS.uz)}\n💳 To'lov qilgan: ${s.paid}\n🎁 Ishlab topilgan: ${credits('uz', s.earned)}`,
    bonus: (welcome, percent) =>
      `🎁 Bonuslar\n\n` +
      (welcome > 0 ? `• Har bir yangi foydalanuvchi ro'yxatdan o'tganda ${credits('uz', welcome)} oladi.\n` : '') +
      `• Do'stlaringizni taklif qiling (/invite): ularning har bir xaridi kreditlarining ${percent}% i sizga.`,
  },
};
