import { credits } from '@genbot/telegram';
import { parseFlowButton } from '../flows/callback-data';
import {
  MODELS_PER_PAGE,
  askedOptions,
  cancelKeyboard,
  clampPage,
  confirmKeyboard,
  modelsKeyboard,
  optionKeyboard,
  pageCount,
  photosKeyboard,
  toolsKeyboard,
} from './create.keyboards';
import { CREATE_TEXTS } from './create.texts';

const t = CREATE_TEXTS.en;
const en = (n: number) => credits('en', n);
const models = (n: number) => Array.from({ length: n }, (_, i) => ({ slug: `m${i}`, name: `Model ${i}`, price: i + 1 }));
type Rows = { text: string; callback_data: string }[][];
const rows = (keyboard: { reply_markup: { inline_keyboard: unknown[][] } }) => keyboard.reply_markup.inline_keyboard as Rows;
const texts = (keyboard: { reply_markup: { inline_keyboard: unknown[][] } }) => rows(keyboard).map((row) => row.map((b) => b.text));

describe('create keyboards', () => {
  it('counts pages: one for none or a full page, another for one model more', () => {
    expect([0, 1, MODELS_PER_PAGE, MODELS_PER_PAGE + 1, 2 * MODELS_PER_PAGE].map((n) => pageCount(n))).toEqual([1, 1, 1, 2, 2]);
  });

  it('holds a page from an old button inside the pages there are', () => {
    expect(clampPage(-1, 12)).toBe(0);
    expect(clampPage(7, 12)).toBe(2);
    expect(clampPage(Number('x'), 12)).toBe(0);
    expect(clampPage(1, 0)).toBe(0);
  });

  it('shows one page without navigation when the models fit', () => {
    expect(texts(modelsKeyboard(models(MODELS_PER_PAGE), 0, 3, t, en))).toEqual([
      ['Model 0 · 1 credit'],
      ['Model 1 · 2 credits'],
      ['Model 2 · 3 credits'],
      ['Model 3 · 4 credits'],
      ['Model 4 · 5 credits'],
      ['✖️ Cancel'],
    ]);
  });

  it('offers only the arrows there is a page for: next on the first, previous on the last, both between', () => {
    const list = models(2 * MODELS_PER_PAGE + 1);
    expect(texts(modelsKeyboard(list, 0, 3, t, en)).at(-2)).toEqual(['1/3', '▶️']);
    expect(texts(modelsKeyboard(list, 1, 3, t, en)).at(-2)).toEqual(['◀️', '2/3', '▶️']);
    const lastPage = modelsKeyboard(list, 2, 3, t, en);
    expect(texts(lastPage)).toEqual([['Model 10 · 11 credits'], ['◀️', '3/3'], ['✖️ Cancel']]);
    expect(rows(lastPage)[1].map((b) => parseFlowButton(b.callback_data))).toEqual([
      { flow: 'create', version: 3, action: 'page', arg: '1' },
      { flow: 'create', version: 3, action: 'page', arg: '2' },
    ]);
    // A page past the end (the catalog shrank) shows the last one.
    expect(texts(modelsKeyboard(list, 9, 3, t, en))).toEqual(texts(lastPage));
  });

  it('carries the flow version and the model slug on every model button', () => {
    const [first] = rows(modelsKeyboard(models(2), 0, 41, t, en))[0];
    expect(parseFlowButton(first.callback_data)).toEqual({ flow: 'create', version: 41, action: 'model', arg: 'm0' });
  });

  it('puts option values three to a row, marks the default, and carries indexes', () => {
    const keyboard = optionKeyboard({ type: 'enum', values: ['1:1', '16:9', '9:16', '4:3'], default: '16:9' }, 5, t);
    expect(texts(keyboard)).toEqual([['1:1', '• 16:9', '9:16'], ['4:3'], ['✖️ Cancel']]);
    expect(parseFlowButton(rows(keyboard)[1][0].callback_data)).toEqual({ flow: 'create', version: 5, action: 'opt', arg: '3' });
  });

  it('offers Without photos only when none are needed, Continue once one came', () => {
    expect(texts(photosKeyboard(1, t, { received: 0, min: 0 }))).toEqual([['➡️ Without photos'], ['✖️ Cancel']]);
    expect(texts(photosKeyboard(1, t, { received: 0, min: 1 }))).toEqual([['✖️ Cancel']]);
    expect(texts(photosKeyboard(1, t, { received: 1, min: 0 }))).toEqual([['➡️ Continue'], ['✖️ Cancel']]);
    expect(texts(photosKeyboard(1, t, { received: 1, min: 2 }))).toEqual([['✖️ Cancel']]);
  });

  it('puts the drawing first among the tools when it is offered', () => {
    const drawing = { slug: 'animate-drawing', name: 'Drawing', price: 1 };
    expect(texts(toolsKeyboard(models(1), 2, t, en, drawing))).toEqual([['🧸 Bring the drawing to life · 1 credit'], ['Model 0 · 1 credit'], ['✖️ Cancel']]);
    expect(texts(toolsKeyboard(models(1), 2, t, en))).toEqual([['Model 0 · 1 credit'], ['✖️ Cancel']]);
  });

  it('adds Buy above Confirm / Cancel when credits are short', () => {
    expect(texts(confirmKeyboard(9, t))).toEqual([['✅ Confirm', '✖️ Cancel']]);
    const short = confirmKeyboard(9, t, true);
    expect(texts(short)).toEqual([['💳 Buy credits'], ['✅ Confirm', '✖️ Cancel']]);
    expect(rows(short)[0][0].callback_data).toBe('menu:buy');
    expect(texts(cancelKeyboard(9, t))).toEqual([['✖️ Cancel']]);
  });

  it('asks the enum options with a choice that apply to every mode, never the file format', () => {
    expect(
      askedOptions({
        optionsSchema: {
          size: { type: 'enum', values: ['1024*1024', '2048*2048'] },
          quality: { type: 'enum', values: ['low', 'high'] },
          input_fidelity: { type: 'enum', values: ['low', 'high'], modes: ['i2i'] },
          output_format: { type: 'enum', values: ['png', 'jpeg'] },
          only: { type: 'enum', values: ['one'] },
          count: { type: 'integer', min: 1, max: 8 },
        },
      }),
    ).toEqual(['size', 'quality']);
  });

  it('keeps texts in uz / ru / en with plural forms', () => {
    expect(CREATE_TEXTS.ru.insufficient(21, 1)).toBe('💸 Недостаточно кредитов: нужно 21 кредит, у вас 1 кредит. Не хватает: 20 кредитов.');
    expect(CREATE_TEXTS.uz.insufficient(5, 2)).toBe('💸 Kredit yetarli emas: narxi 5 kredit, sizda 2 kredit. Yetishmaydi: 3 kredit.');
  });
});
