export const LANGUAGES = ['uz', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A bot user. Telegram ids are bigint in the database and strings here: they exceed 2^53 in theory. */
export interface User {
  id: string;
  telegramId: string;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  languageCode: string | null;
  language: Language | null;
  referralCode: string;
  referrerId: string | null;
  advertisingSource: string | null;
  consentPd: boolean;
  consentPdAt: Date | null;
  anonUserId: string | null;
  email: string | null;
  avatarUrl: string | null;
  isBanned: boolean;
  banReason: string | null;
  blockedAt: Date | null;
  /** When the user's review was accepted (seed 001's `hasLeftReview`); null until then. */
  reviewedAt: Date | null;
  lastActivityAt: Date | null;
  /** The ElevenLabs voice the user last chose in the video wizard (seed 000), offered first next time. */
  selectedVoiceId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The language texts are shown in: the user's choice, else Telegram's, else English. */
export function preferredLanguage(user: Pick<User, 'language'> | undefined, languageCode: string | undefined | null): Language {
  if (user?.language) return user.language;
  const fromTelegram = languageCode?.slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(fromTelegram ?? '') ? (fromTelegram as Language) : 'en';
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
