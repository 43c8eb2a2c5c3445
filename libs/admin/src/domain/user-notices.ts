import type { Language } from '@genbot/users';

/**
 * What a user is told when an operator bans or unbans them. Kept here rather than in
 * libs/telegram's catalogs, which another change owns for now; worded to match its `banned` text.
 */
const NOTICES: Record<Language, { banned: string; reason: string; unbanned: string }> = {
  en: { banned: '⛔ Your access to this bot has been restricted.', reason: 'Reason', unbanned: '✅ Your access to this bot has been restored.' },
  ru: { banned: '⛔ Ваш доступ к этому боту ограничен.', reason: 'Причина', unbanned: '✅ Ваш доступ к этому боту восстановлен.' },
  uz: { banned: '⛔ Ushbu botdan foydalanishingiz cheklangan.', reason: 'Sabab', unbanned: '✅ Ushbu botdan foydalanishingiz tiklandi.' },
};

export function banNotice(language: Language, banned: boolean, reason: string | null): string {
  const notice = NOTICES[language];
  if (!banned) return notice.unbanned;
  return reason ? `${notice.banned}\n${notice.reason}: ${reason}` : notice.banned;
}
