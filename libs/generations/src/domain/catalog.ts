import { DomainError } from '@genbot/core';
import type { GenerationMode } from './generation-mode';

export type OptionSpec =
  | { type: 'enum'; values: string[]; default?: string; modes?: GenerationMode[] }
  | { type: 'string'; required?: boolean; maxLength?: number; modes?: GenerationMode[] }
  | { type: 'integer'; min: number; max: number; default?: number; modes?: GenerationMode[] };

export interface PriceRule {
  mode: GenerationMode | null;
  match: Record<string, string>;
  credits: number | null;
  usd: number | null;
}

export interface CatalogModel {
  id: string;
  slug: string;
  displayName: string;
  description: string | null;
  kind: 'image' | 'video' | 'audio' | 'tool';
  modes: GenerationMode[];
  provider: string;
  providerModel: string;
  providerModelI2i: string | null;
  fallbackProvider: string | null;
  fallbackModel: string | null;
  optionsSchema: Record<string, OptionSpec>;
  minInputImages: number;
  maxInputImages: number;
  outputsPerRun: number;
  quality: string | null;
  avgDurationSeconds: number | null;
  timeoutSeconds: number;
  serviceType: string | null;
  isActive: boolean;
  sortOrder: number;
  prices: PriceRule[];
}

export type Options = Record<string, string | number>;

function invalid(message: string, field: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { fields: [{ field, problems: [message] }] });
}

/** The mode a request means: the one asked for, else image-to-image when images came, else the model's first. */
export function resolveMode(model: CatalogModel, asked: string | undefined, imageCount: number): GenerationMode {
  if (asked !== undefined) {
    if (!(model.modes as string[]).includes(asked))
      throw invalid(`${model.slug} does not support mode ${asked} (it supports ${model.modes.join(', ')})`, 'mode');
    return asked as GenerationMode;
  }
  if (imageCount > 0 && model.modes.includes('i2i')) return 'i2i';
  return model.modes.includes('t2i') && imageCount === 0 ? 't2i' : model.modes[0];
}

/** Checks every option against the model's schema, fills defaults, and refuses unknown ones. */
export function resolveOptions(model: CatalogModel, mode: GenerationMode, given: Record<string, unknown>): Options {
  const resolved: Options = {};
  for (const key of Object.keys(given)) {
    const spec = model.optionsSchema[key];
    if (!spec || (spec.modes && !spec.modes.includes(mode))) throw invalid(`${model.slug} has no option ${key}${spec ? ` in mode ${mode}` : ''}`, key);
  }
  for (const [key, spec] of Object.entries(model.optionsSchema)) {
    if (spec.modes && !spec.modes.includes(mode)) continue;
    const value = given[key];
    if (value === undefined || value === null) {
      if (spec.type === 'string' && spec.required) throw invalid(`${key} is required for ${model.slug}`, key);
      if ('default' in spec && spec.default !== undefined) resolved[key] = spec.default;
      continue;
    }
    if (spec.type === 'enum') {
      if (typeof value !== 'string' || !spec.values.includes(value)) throw invalid(`${key} must be one of ${spec.values.join(', ')}`, key);
      resolved[key] = value;
    } else if (spec.type === 'integer') {
      const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < spec.min || number > spec.max)
        throw invalid(`${key} must be an integer from ${spec.min} to ${spec.max}`, key);
      resolved[key] = number;
    } else {
      if (typeof value !== 'string' || value.length === 0 || value.length > (spec.maxLength ?? 1000)) throw invalid(`${key} must be a non-empty string`, key);
      resolved[key] = value;
    }
  }
  return resolved;
}

/**
 * The price in credits: the most specific rule that matches (a rule for this mode beats one for
 * any mode; more matched options beat fewer), either fixed credits or provider cost in USD times
 * the credits-per-USD setting, rounded up.
 */
export function priceOf(model: CatalogModel, mode: GenerationMode, options: Options, creditsPerUsd: number): number {
  const candidates = model.prices.filter(
    (rule) => (rule.mode === null || rule.mode === mode) && Object.entries(rule.match).every(([key, value]) => String(options[key]) === value),
  );
  const best = candidates.sort((a, b) => specificity(b) - specificity(a))[0];
  if (!best) throw new DomainError('GENERATION_NO_PRICE', `No price is set for ${model.slug} with these options`, { model: model.slug, mode, options });
  return ruleCredits(best, creditsPerUsd);
}

/** A rule's price in credits: fixed, or USD × credits-per-USD rounded up. */
export function ruleCredits(rule: PriceRule, creditsPerUsd: number): number {
  if (rule.credits !== null) return rule.credits;
  // Round away float noise first (0.009 × 1000 is 9.000000000000002), then up to whole credits.
  return Math.ceil(Math.round(Number(rule.usd) * creditsPerUsd * 1e6) / 1e6);
}

function specificity(rule: PriceRule): number {
  return (rule.mode ? 1000 : 0) + Object.keys(rule.match).length;
}

/** Which input images a mode needs: none for text-to-image, at least one otherwise. */
export function assertInputCount(model: CatalogModel, mode: GenerationMode, count: number): void {
  const min = mode === 't2i' || mode === 'tts' ? 0 : Math.max(1, model.minInputImages);
  const max = mode === 't2i' || mode === 'tts' ? 0 : Math.max(model.maxInputImages, 1);
  if (count < min || count > max) {
    throw invalid(
      max === 0 ? `${model.slug} (${mode}) takes no input images` : `${model.slug} (${mode}) takes ${min === max ? min : `${min} to ${max}`} input image(s)`,
      'images',
    );
  }
}
