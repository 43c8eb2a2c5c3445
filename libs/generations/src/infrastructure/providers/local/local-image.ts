import sharp, { Sharp } from 'sharp';
import { ProviderError, ProviderInput, ProviderOutput } from '../../../application/ports/generation-provider';

/**
 * Decoded 8-bit sRGB pixels (3 or 4 channels) passed between the local provider's steps.
 * sharp runs the operations of one pipeline in its own fixed order, not in call order, so each
 * step that must follow another is its own pipeline over raw pixels.
 */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export type OutputFormat = 'png' | 'jpeg' | 'webp';

export interface DecodedImage {
  image: RawImage;
  /** The input's own format when it is one we can write back, so a tool keeps a JPEG a JPEG. */
  format: OutputFormat | undefined;
}

/** 8192 × 8192: the largest image any local model produces, and the largest input it accepts. */
export const MAX_SIDE = 8192;
const MAX_INPUT_PIXELS = MAX_SIDE * MAX_SIDE;

const CONTENT_TYPES: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export function rejected(model: string, message: string): ProviderError {
  return new ProviderError('rejected', `${model}: ${message}`);
}

/** Starts a sharp pipeline over raw pixels. */
export function pipeline(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

export async function toRaw(pipe: Sharp): Promise<RawImage> {
  const { data, info } = await pipe.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Runs one step as its own pipeline, so steps happen in the order they are written. */
export function step(image: RawImage, operation: (pipe: Sharp) => Sharp): Promise<RawImage> {
  return toRaw(operation(pipeline(image)));
}

export async function decodeImage(model: string, bytes: Buffer): Promise<DecodedImage> {
  try {
    const source = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    const { format } = await source.metadata();
    // Phones store the orientation in EXIF; greyscale, CMYK and 16-bit inputs all become 8-bit sRGB.
    const image = await toRaw(source.autoOrient().toColourspace('srgb'));
    return { image, format: format === 'jpeg' || format === 'png' || format === 'webp' ? format : undefined };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw rejected(model, `the input image could not be decoded (${reason})`);
  }
}

export async function encodeImage(image: RawImage, format: OutputFormat): Promise<ProviderOutput> {
  let pipe = pipeline(image);
  if (format === 'jpeg') pipe = pipe.flatten({ background: '#ffffff' }).jpeg({ quality: 90 });
  else if (format === 'webp') pipe = pipe.webp({ quality: 90 });
  else pipe = pipe.png();
  return { data: await pipe.toBuffer(), contentType: CONTENT_TYPES[format] };
}

/** A string option, trimmed; numbers and booleans are read as their text. */
export function stringOption(input: ProviderInput, key: string): string | undefined {
  const value = input.options[key];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** One of `choices` (matched case-insensitively), the default when the option is absent. */
export function choiceOption<T>(input: ProviderInput, key: string, choices: Record<string, T>, fallback: string): T {
  const value = stringOption(input, key) ?? fallback;
  const match = Object.keys(choices).find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw rejected(input.providerModel, `option ${key} must be one of ${Object.keys(choices).join(', ')}; got "${value}"`);
  }
  return choices[match];
}

export function outputFormat(input: ProviderInput, fallback: OutputFormat): OutputFormat {
  return choiceOption<OutputFormat>(input, 'output_format', { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', webp: 'webp' }, fallback);
}

/** `1024*1024`, `1024x1024` or `1024×1024`; undefined when the option is absent. */
export function sizeOption(input: ProviderInput, key = 'size'): { width: number; height: number } | undefined {
  const value = stringOption(input, key);
  if (value === undefined) return undefined;
  const match = /^(\d{1,5})\s*[*xX×]\s*(\d{1,5})$/.exec(value);
  const width = match ? Number(match[1]) : 0;
  const height = match ? Number(match[2]) : 0;
  if (width < 1 || height < 1) throw rejected(input.providerModel, `option ${key} must look like 1024*1024; got "${value}"`);
  return { width, height };
}

/** Scales both sides down together so that neither exceeds `max`. */
export function capSize(size: { width: number; height: number }, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}
