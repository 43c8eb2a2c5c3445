import type { Character, Page, Voice } from '@genbot/generations';
import { parseFlowButton } from '../flows/callback-data';
import {
  ageKeyboard,
  characterKeyboard,
  confirmKeyboard,
  editNotEnoughKeyboard,
  editingKeyboard,
  galleryKeyboard,
  genderKeyboard,
  notEnoughKeyboard,
  voicesKeyboard,
} from './video-wizard.keyboards';
import { WIZARD_TEXTS } from './video-wizard.texts';

const t = WIZARD_TEXTS.en;
type Markup = { reply_markup: { inline_keyboard: { text: string; callback_data?: string }[][] } };
/** Each row as `text → action[:arg]`, the version checked on the way. */
const rows = (keyboard: Markup, version = 7) =>
  keyboard.reply_markup.inline_keyboard.map((row) =>
    row.map((button) => {
      const parsed = parseFlowButton(button.callback_data);
      if (!parsed) return `${button.text} → ${button.callback_data}`;
      expect(parsed).toMatchObject({ flow: 'video', version });
      return `${button.text} → ${parsed.action}${parsed.arg === undefined ? '' : `:${parsed.arg}`}`;
    }),
  );
const page = <T>(items: T[], at: number, pages: number): Page<T> => ({
  items,
  page: at,
  pages,
  total: items.length,
  hasPrevious: at > 0,
  hasNext: at < pages - 1,
});
const character = (title: string) => ({ title }) as Character;
const voice = (voiceId: string, name: string): Voice => ({ voiceId, name });

describe('video wizard keyboards', () => {
  it('asks gender, then age with a way back, each with cancel', () => {
    expect(rows(genderKeyboard(t, 7))).toEqual([['👨 Male → gender:male', '👩 Female → gender:female'], ['✖️ Cancel → cancel']]);
    expect(rows(ageKeyboard(t, 7))).toEqual([['🧑 Young → age:young', '🧓 Elderly → age:elderly'], ['↩️ Back → back:gender'], ['✖️ Cancel → cancel']]);
  });

  it('numbers the portraits three to a row and pages only where there is more', () => {
    const five = ['Ann', 'Bea', 'Cat', 'Dee', 'Eve'].map(character);
    expect(rows(galleryKeyboard(t, 7, page(five, 0, 2)))).toEqual([
      ['1. Ann → pick:0', '2. Bea → pick:1', '3. Cat → pick:2'],
      ['4. Dee → pick:3', '5. Eve → pick:4'],
      ['Next ▶️ → gallery:1'],
      ['↩️ Back → back:age'],
      ['✖️ Cancel → cancel'],
    ]);
    expect(rows(galleryKeyboard(t, 7, page([character('Fay')], 1, 2)))).toEqual([
      ['1. Fay → pick:0'],
      ['◀️ Previous → gallery:0'],
      ['↩️ Back → back:age'],
      ['✖️ Cancel → cancel'],
    ]);
    // One page: no empty paging row, which Telegram would refuse.
    expect(rows(galleryKeyboard(t, 7, page([character('Fay')], 0, 1)))).toEqual([['1. Fay → pick:0'], ['↩️ Back → back:age'], ['✖️ Cancel → cancel']]);
  });

  it('offers revert only once the character was edited, and keep or revert while an edit runs', () => {
    expect(rows(characterKeyboard(t, 7, false))).toEqual([['➡️ Continue → continue'], ['✖️ Cancel → cancel']]);
    expect(rows(characterKeyboard(t, 7, true))).toEqual([['➡️ Continue → continue'], ['↩️ Revert → revert'], ['✖️ Cancel → cancel']]);
    expect(rows(editingKeyboard(t, 7))).toEqual([['✅ Keep → keep', '↩️ Revert → revert'], ['✖️ Cancel → cancel']]);
  });

  it('stars the last voice, pages both ways and goes back to the script', () => {
    const voices = [voice('a', 'Rachel'), voice('b', 'Sarah'), voice('c', 'Elli')];
    expect(rows(voicesKeyboard(t, 7, page(voices, 1, 3), 'b'))).toEqual([
      ['1. Rachel → voice:0', '2. Sarah ⭐ → voice:1'],
      ['3. Elli → voice:2'],
      ['◀️ Previous → voices:0', 'Next ▶️ → voices:2'],
      ['↩️ Back → back:script'],
      ['✖️ Cancel → cancel'],
    ]);
  });

  it('confirms, and without credits offers the payments flow’s Buy next to trying again', () => {
    expect(rows(confirmKeyboard(t, 7))).toEqual([['✅ Create the video → confirm'], ['↩️ Back → back:voices'], ['✖️ Cancel → cancel']]);
    expect(rows(notEnoughKeyboard(t, 7))).toEqual([['💳 Buy credits → menu:buy'], ['✅ Create the video → confirm'], ['✖️ Cancel → cancel']]);
    expect(rows(editNotEnoughKeyboard(t, 7, true))).toEqual([
      ['💳 Buy credits → menu:buy'],
      ['➡️ Continue → continue'],
      ['↩️ Revert → revert'],
      ['✖️ Cancel → cancel'],
    ]);
  });

  it('has every text in every language', () => {
    for (const lang of ['uz', 'ru', 'en'] as const) {
      const texts = WIZARD_TEXTS[lang];
      expect(texts.confirm('Madina', 2, 'Nicole', 'Salom', 1, 5)).toContain('Madina');
      expect(texts.notEnough(3, 1)).toMatch(/2/);
    }
    expect(WIZARD_TEXTS.ru.confirm('Мадина', 2, 'Nicole', 'Привет', 1, 5)).toContain('Мадина (2 правки)');
    expect(WIZARD_TEXTS.ru.notEnough(5, 0)).toContain('5 кредитов');
    expect(WIZARD_TEXTS.en.confirm('Madina', 1, 'Nicole', 'Hi', 1, 1)).toContain('Madina (1 edit)');
  });
});
