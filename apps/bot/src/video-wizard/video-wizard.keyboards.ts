import { Markup } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Character, Page, Voice } from '@genbot/generations';
import { flowButton } from '../flows/callback-data';
import type { WizardTexts } from './video-wizard.texts';

/** The wizard's flow name in callback data (`f:video:<version>:<action>[:<arg>]`). */
export const VIDEO_FLOW = 'video';

type Keyboard = Markup.Markup<InlineKeyboardMarkup>;
const button = (text: string, version: number, action: string, arg?: string | number) =>
  Markup.button.callback(text, flowButton(VIDEO_FLOW, version, action, arg));
const cancelRow = (t: WizardTexts, version: number) => [button(t.cancel, version, 'cancel')];

export function genderKeyboard(t: WizardTexts, version: number): Keyboard {
  return Markup.inlineKeyboard([[button(t.male, version, 'gender', 'male'), button(t.female, version, 'gender', 'female')], cancelRow(t, version)]);
}

export function ageKeyboard(t: WizardTexts, version: number): Keyboard {
  return Markup.inlineKeyboard([
    [button(t.young, version, 'age', 'young'), button(t.elderly, version, 'age', 'elderly')],
    [button(t.back, version, 'back', 'gender')],
    cancelRow(t, version),
  ]);
}

/** Under a page of portraits: one button per portrait (numbered as their captions), then paging. */
export function galleryKeyboard(t: WizardTexts, version: number, page: Page<Character>): Keyboard {
  const choose = page.items.map((character, i) => button(`${i + 1}. ${character.title}`, version, 'pick', i));
  return Markup.inlineKeyboard(
    nonEmpty([...rowsOf(choose, 3), pagingRow(t, version, page, 'gallery'), [button(t.back, version, 'back', 'age')], cancelRow(t, version)]),
  );
}

/** Under the chosen character: continue, or go back to the original once it has been edited. */
export function characterKeyboard(t: WizardTexts, version: number, edited: boolean): Keyboard {
  return Markup.inlineKeyboard([[button(t.continue, version, 'continue')], ...(edited ? [[button(t.revert, version, 'revert')]] : []), cancelRow(t, version)]);
}

export function editingKeyboard(t: WizardTexts, version: number): Keyboard {
  return Markup.inlineKeyboard([[button(t.keep, version, 'keep'), button(t.revert, version, 'revert')], cancelRow(t, version)]);
}

/** One button per voice (numbered as the samples), the user's last one starred, then paging. */
export function voicesKeyboard(t: WizardTexts, version: number, page: Page<Voice>, lastVoiceId: string | null): Keyboard {
  const choose = page.items.map((voice, i) => button(`${i + 1}. ${voice.name}${voice.voiceId === lastVoiceId ? ` ${t.lastVoice}` : ''}`, version, 'voice', i));
  return Markup.inlineKeyboard(
    nonEmpty([...rowsOf(choose, 2), pagingRow(t, version, page, 'voices'), [button(t.back, version, 'back', 'script')], cancelRow(t, version)]),
  );
}

export function confirmKeyboard(t: WizardTexts, version: number): Keyboard {
  return Markup.inlineKeyboard([[button(t.confirmButton, version, 'confirm')], [button(t.back, version, 'back', 'voices')], cancelRow(t, version)]);
}

/** Out of credits at confirm: buy (the payments flow's `menu:buy`), or try again once bought. */
export function notEnoughKeyboard(t: WizardTexts, version: number): Keyboard {
  return Markup.inlineKeyboard([[Markup.button.callback(t.buy, 'menu:buy')], [button(t.confirmButton, version, 'confirm')], cancelRow(t, version)]);
}

/** Out of credits for an edit: buy, or go on with the character as it is. */
export function editNotEnoughKeyboard(t: WizardTexts, version: number, edited: boolean): Keyboard {
  return Markup.inlineKeyboard([[Markup.button.callback(t.buy, 'menu:buy')], ...characterKeyboard(t, version, edited).reply_markup.inline_keyboard]);
}

function pagingRow(t: WizardTexts, version: number, page: Page<unknown>, action: string): InlineKeyboardButton[] {
  return [
    ...(page.hasPrevious ? [button(t.previous, version, action, page.page - 1)] : []),
    ...(page.hasNext ? [button(t.next, version, action, page.page + 1)] : []),
  ];
}

/** Telegram refuses a keyboard with an empty row (no paging on a single page). */
function nonEmpty(rows: InlineKeyboardButton[][]): InlineKeyboardButton[][] {
  return rows.filter((row) => row.length > 0);
}

function rowsOf<T>(items: T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}
