import type { Language } from './catalog';

/** The word forms a count needs in one language: CLDR categories, `other` always present. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rules = new Map<Language, Intl.PluralRules>();

function rulesFor(lang: Language): Intl.PluralRules {
  let found = rules.get(lang);
  if (!found) rules.set(lang, (found = new Intl.PluralRules(lang)));
  return found;
}

/** `n` followed by the form of the word its language's rules pick: "1 credit", "2 кредита", "5 кредитов". */
export function plural(lang: Language, n: number, forms: PluralForms): string {
  return `${n} ${forms[rulesFor(lang).select(n)] ?? forms.other}`;
}

const CREDIT_FORMS: Record<Language, PluralForms> = {
  en: { one: 'credit', other: 'credits' },
  ru: { one: 'кредит', few: 'кредита', many: 'кредитов', other: 'кредита' },
  // Uzbek does not inflect a noun after a number.
  uz: { other: 'kredit' },
};

export function credits(lang: Language, n: number): string {
  return plural(lang, n, CREDIT_FORMS[lang]);
}
