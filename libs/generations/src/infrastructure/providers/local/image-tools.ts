import { OverlayOptions, SharpenOptions } from 'sharp';
import { ProviderInput } from '../../../application/ports/generation-provider';
import { capPixels, capSize, choiceOption, MAX_SIDE, pipeline, RawImage, rejected, sizeOption, step, stringOption, toRaw } from './local-image';

/**
 * The image tools of seed 002 (and seed 003's drawing variants) done with plain sharp filters.
 * Each reads and checks its options first and returns the work to do on the decoded input, so a
 * bad option is refused before the input is fetched.
 */
export type ImageTool = (input: ProviderInput) => (image: RawImage) => Promise<RawImage[]>;

const UPSCALE_TARGETS: Record<string, number> = { '2k': 2048, '4k': 4096, '8k': 8192 };

/** Long side to 2048 / 4096 / 8192 with lanczos3, then a mild sharpen against the resize softness. */
export const upscale: ImageTool = (input) => {
  const target = Math.min(MAX_SIDE, choiceOption(input, 'target_resolution', UPSCALE_TARGETS, '4k'));
  return async (image) => {
    const long = Math.max(image.width, image.height);
    // Never downscale: an input already at or above the target only gets the sharpen.
    if (long >= target) return [await step(image, (pipe) => pipe.sharpen({ sigma: 0.6 }))];
    // At most MAX_OUTPUT_PIXELS, whatever the target: 8k of a square stops at 4096 × 4096.
    const { width, height } = capPixels({
      width: Math.max(1, Math.round((image.width * target) / long)),
      height: Math.max(1, Math.round((image.height * target) / long)),
    });
    // sharp sharpens after it resizes, whatever the call order.
    return [await step(image, (pipe) => pipe.resize(width, height, { kernel: 'lanczos3', fit: 'fill' }).sharpen({ sigma: 0.8, m1: 0.5, m2: 1.5 }))];
  };
};

const DENOISE_STRENGTHS: Record<string, { median: number; blur?: number }> = {
  Normal: { median: 3 },
  Strong: { median: 5 },
  Extreme: { median: 7, blur: 0.6 },
};

/** A median filter: removes speckle and salt-and-pepper noise while keeping edges better than a blur. */
export const denoise: ImageTool = (input) => {
  const strength = choiceOption(input, 'model', DENOISE_STRENGTHS, 'Normal');
  return async (image) => {
    let result = await step(image, (pipe) => pipe.median(strength.median));
    if (strength.blur) result = await step(result, (pipe) => pipe.blur(strength.blur));
    return [result];
  };
};

const RESTORE_STRENGTHS: Record<string, { median: number; saturation: number; sharpen: SharpenOptions }> = {
  'Dust-Scratch': { median: 3, saturation: 1.1, sharpen: { sigma: 1, m2: 2 } },
  'Dust-Scratch V2': { median: 5, saturation: 1.2, sharpen: { sigma: 1.4, m2: 2.5 } },
};

/**
 * An approximation of old-photo restoration: stretch the faded tonal range, take out dust and
 * thin scratches with a median, bring some colour back and recover edges. No content is invented.
 */
export const restore: ImageTool = (input) => {
  const strength = choiceOption(input, 'model', RESTORE_STRENGTHS, 'Dust-Scratch');
  return async (image) => {
    let result = await step(image, (pipe) => pipe.normalise());
    result = await step(result, (pipe) => pipe.median(strength.median));
    result = await step(result, (pipe) => pipe.modulate({ saturation: strength.saturation }));
    return [await step(result, (pipe) => pipe.sharpen(strength.sharpen))];
  };
};

interface EnhancePreset {
  /** Percentiles clipped when stretching the tonal range. */
  normalise: { lower: number; upper: number };
  /** Median before sharpening, against blocking in small, heavily compressed inputs. */
  median?: number;
  sharpen: SharpenOptions;
  saturation: number;
  contrast?: number;
}

const ENHANCE_PRESETS: Record<string, EnhancePreset> = {
  'Standard V2': { normalise: { lower: 1, upper: 99 }, sharpen: { sigma: 1, m2: 2 }, saturation: 1.08 },
  'Low Resolution V2': { normalise: { lower: 1, upper: 99 }, median: 3, sharpen: { sigma: 1.4, m2: 3 }, saturation: 1.08 },
  CGI: { normalise: { lower: 1, upper: 99 }, sharpen: { sigma: 0.8, m2: 2 }, saturation: 1.15 },
  'High Fidelity V2': { normalise: { lower: 0.5, upper: 99.5 }, sharpen: { sigma: 0.6, m2: 1.2 }, saturation: 1.03 },
  'Text Refine': { normalise: { lower: 1, upper: 99 }, sharpen: { sigma: 1.2, m1: 0, m2: 4 }, saturation: 1, contrast: 1.15 },
};

/** Tonal stretch, sharpen and a little saturation; `size` (e.g. `2048*2048`) is the box to fit into. */
export const enhance: ImageTool = (input) => {
  const preset = choiceOption(input, 'model', ENHANCE_PRESETS, 'Standard V2');
  const size = sizeOption(input);
  return async (image) => {
    let result = image;
    if (size) {
      const box = capPixels(capSize(size, MAX_SIDE));
      result = await step(result, (pipe) => pipe.resize(box.width, box.height, { kernel: 'lanczos3', fit: 'inside' }));
    }
    result = await step(result, (pipe) => pipe.normalise(preset.normalise));
    if (preset.median) result = await step(result, (pipe) => pipe.median(preset.median));
    result = await step(result, (pipe) => pipe.sharpen(preset.sharpen));
    const { contrast } = preset;
    if (contrast) result = await step(result, (pipe) => pipe.linear(contrast, 128 * (1 - contrast)));
    if (preset.saturation !== 1) result = await step(result, (pipe) => pipe.modulate({ saturation: preset.saturation }));
    return [result];
  };
};

/**
 * Real watermark removal needs an inpainting model; this is an honest approximation. Watermarks
 * and logos usually sit in the bottom corners, so those two regions (30 % of the width, 12 % of
 * the height) are median-filtered and blurred until thin strokes and text dissolve, then blended
 * back with feathered inner edges. Anything else in those corners gets smoothed too.
 */
export const removeWatermark: ImageTool = () => async (image) => {
  const width = Math.max(1, Math.round(image.width * 0.3));
  const height = Math.max(1, Math.round(image.height * 0.12));
  const top = image.height - height;
  const median = Math.min(15, Math.max(3, Math.round(height / 10) | 1));
  const sigma = Math.max(1.5, height / 12);
  const feather = Math.max(1, Math.round(Math.min(width, height) * 0.25));

  const patches: OverlayOptions[] = [];
  for (const side of ['left', 'right'] as const) {
    const left = side === 'left' ? 0 : image.width - width;
    const smoothed = await step(await toRaw(pipeline(image).extract({ left, top, width, height }).median(median)), (pipe) => pipe.blur(sigma));
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Fade in from the edges that face the rest of the picture; the image borders stay solid.
        const fromInnerEdge = Math.min(y, side === 'left' ? width - 1 - x : x);
        const opacity = Math.min(1, fromInnerEdge / feather);
        const from = (y * width + x) * smoothed.channels;
        const to = (y * width + x) * 4;
        rgba[to] = smoothed.data[from];
        rgba[to + 1] = smoothed.data[from + 1];
        rgba[to + 2] = smoothed.data[from + 2];
        rgba[to + 3] = Math.round((smoothed.channels === 4 ? smoothed.data[from + 3] : 255) * opacity);
      }
    }
    patches.push({ input: rgba, raw: { width, height, channels: 4 }, left, top });
  }
  const result = await step(image, (pipe) => pipe.composite(patches));
  return [image.channels === 4 ? result : await step(result, (pipe) => pipe.removeAlpha())];
};

export const MAX_DRAWING_VARIANTS = 8;
const DRAWING_MAX_SIDE = 2048;

type Variant = (base: RawImage) => Promise<RawImage>;

/** Distinct looks for a child's drawing, in the order they are handed out. */
const DRAWING_VARIANTS: Variant[] = [
  // Sunny: warmer, brighter, more colourful.
  (base) => step(base, (pipe) => pipe.modulate({ hue: 25, saturation: 1.4, brightness: 1.05 })),
  // Moonlight: hue turned to the cool side, dimmer.
  (base) => step(base, (pipe) => pipe.modulate({ hue: 180, saturation: 1.2, brightness: 0.9 })),
  // Comic: stretched, saturated colours under black ink taken from a threshold of the drawing.
  async (base) => {
    const colour = await step(await step(base, (pipe) => pipe.normalise()), (pipe) => pipe.modulate({ saturation: 1.6 }));
    const ink = await step(await step(base, (pipe) => pipe.greyscale().threshold(110)), (pipe) => pipe.toColourspace('srgb'));
    return step(colour, (pipe) =>
      pipe.composite([{ input: ink.data, raw: { width: ink.width, height: ink.height, channels: ink.channels }, blend: 'multiply' }]),
    );
  },
  // Mirror world: flipped left to right, magenta-shifted.
  (base) => step(base, (pipe) => pipe.flop().modulate({ hue: 300, saturation: 1.5 })),
  // Storybook: sepia.
  (base) =>
    step(base, (pipe) =>
      pipe.recomb([
        [0.393, 0.769, 0.189],
        [0.349, 0.686, 0.168],
        [0.272, 0.534, 0.131],
      ]),
    ),
  // Blueprint: the drawing's dark lines turned white on blueprint blue (0 maps to #2a6fdb, 255 to white).
  async (base) => {
    // greyscale() wins over a colourspace set in the same pipeline, hence the separate step back to sRGB.
    const negative = await step(await step(base, (pipe) => pipe.greyscale().negate()), (pipe) => pipe.toColourspace('srgb'));
    return step(negative, (pipe) => pipe.linear([213 / 255, 144 / 255, 36 / 255], [42, 111, 219]));
  },
  // Pop: contrast, crisp edges, loud colour.
  async (base) => {
    const crisp = await step(await step(base, (pipe) => pipe.linear(1.25, -32)), (pipe) => pipe.sharpen({ sigma: 2, m2: 3 }));
    return step(crisp, (pipe) => pipe.modulate({ saturation: 1.8 }));
  },
  // Dream: a glow of the blurred drawing screened over a green-shifted copy.
  async (base) => {
    const glow = await step(base, (pipe) => pipe.blur(Math.max(1, Math.min(base.width, base.height) / 80)));
    const shifted = await step(base, (pipe) => pipe.modulate({ hue: 90 }));
    return step(shifted, (pipe) =>
      pipe.composite([{ input: glow.data, raw: { width: glow.width, height: glow.height, channels: glow.channels }, blend: 'screen' }]),
    );
  },
];

/** Seed 003: several stylised images from one drawing per run; `count` 1–8, default 4. */
export const animateDrawing: ImageTool = (input) => {
  const text = stringOption(input, 'count') ?? '4';
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > MAX_DRAWING_VARIANTS) {
    throw rejected(input.providerModel, `option count must be a whole number from 1 to ${MAX_DRAWING_VARIANTS}; got "${text}"`);
  }
  return async (image) => {
    // Variants are for a chat, not for print: a phone photo of a drawing is brought down to 2048.
    const box = capSize(image, DRAWING_MAX_SIDE);
    let base = box.width === image.width ? image : await step(image, (pipe) => pipe.resize(box.width, box.height, { kernel: 'lanczos3', fit: 'fill' }));
    // A transparent drawing goes onto white paper: colour filters and thresholds need something under the lines.
    if (base.channels === 4) base = await step(base, (pipe) => pipe.flatten({ background: '#ffffff' }));
    const results: RawImage[] = [];
    // One at a time: eight full-size pipelines at once would only fight over the same cores and memory.
    for (const variant of DRAWING_VARIANTS.slice(0, count)) results.push(await variant(base));
    return results;
  };
};
