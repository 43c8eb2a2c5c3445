import { Catalog, Lang } from './catalog';
import { en } from './en';
import { ru } from './ru';
import { uz } from './uz';

export type { Catalog, Lang } from './catalog';

export const CATALOGS: Record<Lang, Catalog> = { uz, ru, en };

/** Native names, shown on the language keyboard in every language. */
export const LANGUAGE_NAMES: Record<Lang, string> = { uz: '🇺🇿 O‘zbekcha', ru: '🇷🇺 Русский', en: '🇬🇧 English' };

export function texts(lang: Lang): Catalog {
  return CATALOGS[lang];
}
