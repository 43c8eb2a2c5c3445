import { Markup } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { CatalogModel, OptionSpec } from '@genbot/generations';
import { flowButton } from '../flows/callback-data';
import type { CreateTexts } from './create.texts';

/** The flow every create, tools and drawing-choice button belongs to. */
export const CREATE_FLOW = 'create';
export const MODELS_PER_PAGE = 5;

type Keyboard = Markup.Markup<InlineKeyboardMarkup>;
export type EnumOption = Extract<OptionSpec, { type: 'enum' }>;

export interface PricedModel {
  slug: string;
  name: string;
  price: number;
}

export function pageCount(total: number, perPage = MODELS_PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** A page number a button may carry, held inside the pages there are (an old button after the catalog shrank). */
export function clampPage(page: number, total: number, perPage = MODELS_PER_PAGE): number {
  return Math.min(Math.max(0, Math.trunc(page) || 0), pageCount(total, perPage) - 1);
}

/**
 * One page of models, one per row with its price, then ◀️ n/m ▶️ (the arrows only where there is
 * a page to go to) and Cancel.
 */
export function modelsKeyboard(models: PricedModel[], page: number, version: number, t: CreateTexts, credits: (n: number) => string): Keyboard {
  const at = clampPage(page, models.length);
  const rows: InlineKeyboardButton[][] = models
    .slice(at * MODELS_PER_PAGE, (at + 1) * MODELS_PER_PAGE)
    .map((m) => [Markup.button.callback(`${m.name} · ${credits(m.price)}`, flowButton(CREATE_FLOW, version, 'model', m.slug))]);
  const pages = pageCount(models.length);
  if (pages > 1) {
    const nav: InlineKeyboardButton[] = [];
    if (at > 0) nav.push(Markup.button.callback(t.prev, flowButton(CREATE_FLOW, version, 'page', at - 1)));
    nav.push(Markup.button.callback(`${at + 1}/${pages}`, flowButton(CREATE_FLOW, version, 'page', at)));
    if (at < pages - 1) nav.push(Markup.button.callback(t.next, flowButton(CREATE_FLOW, version, 'page', at + 1)));
    rows.push(nav);
  }
  rows.push([cancelButton(version, t)]);
  return Markup.inlineKeyboard(rows);
}

/** The tools (and, when offered, the drawing model) for a photo the user sent, with their prices. */
export function toolsKeyboard(tools: PricedModel[], version: number, t: CreateTexts, credits: (n: number) => string, drawing?: PricedModel): Keyboard {
  const rows: InlineKeyboardButton[][] = tools.map((m) => [
    Markup.button.callback(`${m.name} · ${credits(m.price)}`, flowButton(CREATE_FLOW, version, 'model', m.slug)),
  ]);
  if (drawing) rows.unshift([Markup.button.callback(`${t.drawing} · ${credits(drawing.price)}`, flowButton(CREATE_FLOW, version, 'model', drawing.slug))]);
  rows.push([cancelButton(version, t)]);
  return Markup.inlineKeyboard(rows);
}

/** An enum option's values, three to a row; a button carries the value's index (values may be long). */
export function optionKeyboard(spec: EnumOption, version: number, t: CreateTexts): Keyboard {
  const buttons = spec.values.map((value, i) =>
    Markup.button.callback(value === spec.default ? `• ${value}` : value, flowButton(CREATE_FLOW, version, 'opt', i)),
  );
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  rows.push([cancelButton(version, t)]);
  return Markup.inlineKeyboard(rows);
}

/** Under the photo request: Continue once a photo came (or Without photos when the model needs none). */
export function photosKeyboard(version: number, t: CreateTexts, input: { received: number; min: number }): Keyboard {
  const rows: InlineKeyboardButton[][] = [];
  if (input.received >= Math.max(1, input.min)) rows.push([Markup.button.callback(t.photosDone, flowButton(CREATE_FLOW, version, 'photos'))]);
  else if (input.min === 0) rows.push([Markup.button.callback(t.withoutPhotos, flowButton(CREATE_FLOW, version, 'photos'))]);
  rows.push([cancelButton(version, t)]);
  return Markup.inlineKeyboard(rows);
}

/** Confirm / Cancel, and Buy when the credits are short (the same Confirm works after buying). */
export function confirmKeyboard(version: number, t: CreateTexts, withBuy = false): Keyboard {
  const rows: InlineKeyboardButton[][] = [[Markup.button.callback(t.confirm, flowButton(CREATE_FLOW, version, 'confirm')), cancelButton(version, t)]];
  if (withBuy) rows.unshift([Markup.button.callback(t.buy, 'menu:buy')]);
  return Markup.inlineKeyboard(rows);
}

export function cancelKeyboard(version: number, t: CreateTexts): Keyboard {
  return Markup.inlineKeyboard([[cancelButton(version, t)]]);
}

export function buyKeyboard(t: CreateTexts): Keyboard {
  return Markup.inlineKeyboard([[Markup.button.callback(t.buy, 'menu:buy')]]);
}

function cancelButton(version: number, t: CreateTexts): InlineKeyboardButton {
  return Markup.button.callback(t.cancel, flowButton(CREATE_FLOW, version, 'cancel'));
}

/** The enum options a user picks in the chat: those with a choice, for every mode, except the file format. */
export function askedOptions(model: Pick<CatalogModel, 'optionsSchema'>): string[] {
  return Object.entries(model.optionsSchema)
    .filter(([key, spec]) => spec.type === 'enum' && spec.values.length > 1 && !spec.modes && key !== 'output_format')
    .map(([key]) => key);
}
