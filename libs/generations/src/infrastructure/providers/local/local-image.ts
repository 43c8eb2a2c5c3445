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

/** 8192: the longest side any local model produces. */
export const MAX_SIDE = 8192;

/**
 * Memory bounds: the worker runs eight jobs at once and should fit in 1 GB. Steps pass decoded
 * pixels to each other, so an image costs 4 bytes a pixel per copy, and a step holds two copies
 * (an 8192 × 8192 upscale took ~480 MB). So: no image larger than MAX_OUTPUT_PIXELS is ever
 * decoded or produced (~67 MB a copy), inputs above MAX_INPUT_PIXELS are refused from their
 * header before any decoding (decompression bombs included), larger accepted ones are shrunk
 * while decoding, and only LOCAL_CONCURRENCY images are worked on at once per process; the
 * other jobs wait holding only their encoded bytes.
 */
export const MAX_OUTPUT_PIXELS = 4096 * 4096;
export const MAX_INPUT_PIXELS = 50_000_000;
export const LOCAL_CONCURRENCY = 2;

// One libvips thread per image (the slots give the parallelism: two cores, two images), and no
// operation cache: every job's pixels are new, so a cache only holds memory.
sharp.concurrency(1);
sharp.cache(false);

let busy = 0;
const waiting: (() => void)[] = [];

/** Runs `work` when one of the LOCAL_CONCURRENCY image slots of this process is free. */
export async function localImageSlot<T>(work: () => Promise<T>): Promise<T> {
  if (busy >= LOCAL_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else busy++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter, so a new arrival cannot overtake it.
    const next = waiting.shift();
    if (next) next();
    else busy--;
  }
}

/** Both sides scaled down together until the image has at most `maxPixels` pixels. */
export function capPixels(size: { width: number; height: number }, maxPixels = MAX_OUTPUT_PIXELS): { width: number; height: number } {
  const pixels = size.width * size.height;
  if (pixels <= maxPixels) return size;
  const scale = Math.sqrt(maxPixels / pixels);
  return { width: Math.max(1, Math.floor(size.width * scale)), height: Math.max(1, Math.floor(size.height * scale)) };
}

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
  let header: sharp.Metadata;
  try {
    header = await sharp(bytes).metadata();
  } catch (error) {
    throw rejected(model, `the input image could not be decoded (${firstLine(error)})`);
  }
  const { width = 0, height = 0 } = header;
  if (width * height > MAX_INPUT_PIXELS) {
    throw rejected(
      model,
      `the input image is ${width} × ${height} (${((width * height) / 1e6).toFixed(1)} MP), larger than the ${MAX_INPUT_PIXELS / 1e6} MP this model accepts`,
    );
  }
  try {
    const source = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, sequentialRead: true });
    // Orientations 5-8 are stored on their side: the box is of the upright image.
    const upright = (header.orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height };
    const box = capPixels(upright);
    // Phones store the orientation in EXIF; greyscale, CMYK and 16-bit inputs all become 8-bit sRGB.
    let pipe = source.autoOrient();
    if (box !== upright) pipe = pipe.resize(box.width, box.height, { fit: 'inside', kernel: 'lanczos3' });
    const image = await toRaw(pipe.toColourspace('srgb'));
    const format = header.format;
    return { image, format: format === 'jpeg' || format === 'png' || format === 'webp' ? format : undefined };
  } catch (error) {
    throw rejected(model, `the input image could not be decoded (${firstLine(error)})`);
  }
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
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
