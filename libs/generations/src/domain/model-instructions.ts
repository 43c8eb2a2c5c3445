import type { Language } from '@genbot/users';

/** Per model slug, the instruction sent ahead of the user's own prompt, in each language the bot speaks. */
export type ModelInstructions = Record<string, Partial<Record<Language, string>>>;

/**
 * Seed 003 ("Ozhivlyator") sends a child's drawing to Gemini to be brought to life; the model
 * needs to be told what that means, or it answers with the drawing described in words. The user
 * sends only the photo, so this is the whole prompt, in the language the child's parent speaks
 * (Gemini draws any text it adds, such as a title, in the prompt's language).
 */
export const DEFAULT_MODEL_INSTRUCTIONS: ModelInstructions = {
  'animate-drawing': {
    en:
      'This is a child’s drawing. Bring it to life: redraw it as a bright, detailed, realistic illustration that keeps every character, object, ' +
      'colour and the composition of the drawing, so the child recognises their own picture. Make it friendly and safe for children; add no text.',
    ru:
      'Это детский рисунок. Оживи его: перерисуй его как яркую, детальную, реалистичную иллюстрацию, сохранив всех персонажей, предметы, цвета ' +
      'и композицию рисунка, чтобы ребёнок узнал свою картинку. Сделай её доброй и безопасной для детей; не добавляй текст.',
    uz:
      'Bu bolaning chizgan rasmi. Uni jonlantir: rasmdagi barcha qahramonlar, narsalar, ranglar va kompozitsiyani saqlagan holda uni yorqin, ' +
      'batafsil, realistik illyustratsiya sifatida qayta chiz, toki bola o‘z rasmini tanisin. Uni bolalar uchun mehribon va xavfsiz qil; matn qo‘shma.',
  },
};

/** The model's instruction in `language`, else in English; none for a model without one. */
export function instructionFor(instructions: unknown, slug: string, language: Language): string | undefined {
  if (!instructions || typeof instructions !== 'object') return undefined;
  const byLanguage = (instructions as Record<string, unknown>)[slug];
  if (!byLanguage || typeof byLanguage !== 'object') return undefined;
  const texts = byLanguage as Record<string, unknown>;
  const text = texts[language] ?? texts.en;
  return typeof text === 'string' && text.trim() ? text.trim() : undefined;
}
