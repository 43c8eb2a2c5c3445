import { DEFAULT_MODEL_INSTRUCTIONS, instructionFor } from './model-instructions';

describe('instructionFor', () => {
  it('gives the drawing instruction in each language the bot speaks', () => {
    const texts = (['uz', 'ru', 'en'] as const).map((language) => instructionFor(DEFAULT_MODEL_INSTRUCTIONS, 'animate-drawing', language));

    expect(new Set(texts).size).toBe(3);
    texts.forEach((text) => expect(text).toMatch(/\S{10}/));
  });

  it('falls back to English, and gives none for a model without one or a malformed setting', () => {
    expect(instructionFor({ m: { en: ' Draw. ' } }, 'm', 'uz')).toBe('Draw.');
    expect(instructionFor(DEFAULT_MODEL_INSTRUCTIONS, 'seedream-v4', 'ru')).toBeUndefined();
    expect(instructionFor('nonsense', 'animate-drawing', 'ru')).toBeUndefined();
    expect(instructionFor({ m: { en: 42 } }, 'm', 'en')).toBeUndefined();
  });
});
