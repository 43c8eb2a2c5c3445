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
  /** Appended to the bonus message when channels are offered. */
  channelsOffer: (bonusCredits: number) => string;
  checkChannelsButton: string;
  /** One line per channel after the check. */
  channelResult: (channel: string, result: ChannelResult, bonusCredits: number) => string;
}

export type ChannelResult = 'granted' | 'already' | 'not_member' | 'unavailable';

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
    channelsOffer: (bonus) => `\n\n📢 Join our channel and get +${credits('en', bonus)} (once per channel), then press the button.`,
    checkChannelsButton: '✅ I joined: check',
    channelResult: (channel, result, bonus) =>
      ({
        granted: `✅ ${channel}: +${credits('en', bonus)}`,
        already: `✔️ ${channel}: bonus already received`,
        not_member: `❌ ${channel}: you have not joined yet`,
        unavailable: `⚠️ ${channel}: could not check, try again later`,
      })[result],
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
    channelsOffer: (bonus) => `\n\n📢 Подпишитесь на наш канал и получите +${credits('ru', bonus)} (один раз за канал), затем нажмите кнопку.`,
    checkChannelsButton: '✅ Я подписался: проверить',
    channelResult: (channel, result, bonus) =>
      ({
        granted: `✅ ${channel}: +${credits('ru', bonus)}`,
        already: `✔️ ${channel}: бонус уже получен`,
        not_member: `❌ ${channel}: вы ещё не подписаны`,
        unavailable: `⚠️ ${channel}: не удалось проверить, попробуйте позже`,
      })[result],
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
    channelsOffer: (bonus) => `\n\n📢 Kanalimizga obuna bo'ling va +${credits('uz', bonus)} oling (har bir kanal uchun bir marta), so'ng tugmani bosing.`,
    checkChannelsButton: "✅ Obuna bo'ldim: tekshirish",
    channelResult: (channel, result, bonus) =>
      ({
        granted: `✅ ${channel}: +${credits('uz', bonus)}`,
        already: `✔️ ${channel}: bonus allaqachon olingan`,
        not_member: `❌ ${channel}: siz hali obuna bo'lmagansiz`,
        unavailable: `⚠️ ${channel}: tekshirib bo'lmadi, keyinroq urinib ko'ring`,
      })[result],
    bonusWaiting: (b, percent) =>
      `⏳ Bugungi bonus allaqachon olingan.\n🔥 Ketma-ket: ${plural('uz', b.streak, DAYS.uz)}\n` +
      `Keyingi bonus (+${credits('uz', b.nextCredits)}) ${wait(b.minutesLeft, 'soat', 'daqiqa')} dan keyin.\n\n` +
      `• Do'stlaringizni taklif qiling (/invite): ularning har bir xaridi kreditlarining ${percent}% i sizga.`,
  },
};
