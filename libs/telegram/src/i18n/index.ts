import type { Catalog, Language } from './catalog';
import { en } from './en';
import { ru } from './ru';
import { uz } from './uz';

export type { Catalog, Language } from './catalog';

export const CATALOGS: Record<Language, Catalog> = { uz, ru, en };

/** Native names, shown on the language keyboard in every language. */
export const LANGUAGE_NAMES: Record<Language, string> = { uz: '🇺🇿 O‘zbekcha', ru: '🇷🇺 Русский', en: '🇬🇧 English' };

export function texts(lang: Language): Catalog {
  return CATALOGS[lang];
}
