import { MigrationInterface, QueryRunner } from 'typeorm';

type Option =
  | { type: 'enum'; values: string[]; default?: string; modes?: string[] }
  | { type: 'string'; required?: boolean; maxLength?: number }
  | { type: 'integer'; min: number; max: number; default?: number };

interface ModelSeed {
  slug: string;
  name: string;
  description: string;
  kind: 'image' | 'video' | 'audio' | 'tool';
  modes: string[];
  provider: string;
  model: string;
  modelI2i?: string;
  fallback?: [string, string];
  options: Record<string, Option>;
  inputs?: [number, number];
  outputs?: number;
  quality?: string;
  avgSeconds?: number;
  timeoutSeconds?: number;
  serviceType?: string;
  prices: { mode?: string; match?: Record<string, string>; credits?: number; usd?: number }[];
}

const SEEDREAM_SIZES = ['1024*1024', '2048*2048', '2304*1728', '1728*2304', '2560*1440', '1440*2560'];
const ASPECT = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const GPT_SIZES = ['1024*1024', '1024*1536', '1536*1024'];
const FORMAT: Option = { type: 'enum', values: ['jpeg', 'png', 'webp'], default: 'jpeg' };

/** gpt-image-1.5 per seed 002: USD by mode × quality × size (× credits_per_usd, rounded up). */
function gptPrices(): ModelSeed['prices'] {
  const t2i: Record<string, number[]> = { low: [0.009, 0.013, 0.013], medium: [0.034, 0.051, 0.051], high: [0.133, 0.2, 0.2] };
  const i2i: Record<string, number[]> = { low: [0.009, 0.034, 0.013], medium: [0.034, 0.051, 0.051], high: [0.133, 0.2, 0.2] };
  return (['t2i', 'i2i'] as const).flatMap((mode) =>
    Object.entries(mode === 't2i' ? t2i : i2i).flatMap(([quality, usd]) => GPT_SIZES.map((size, i) => ({ mode, match: { quality, size }, usd: usd[i] }))),
  );
}

/**
 * The catalog every deployment starts with: seed 002's models and tools at its prices, seed 000's
 * text-to-speech and talking-head video, seed 001's animate / restore services, seed 003's drawing
 * animation, and the built-in local models. Operators change all of it from the admin API.
 */
const CATALOG: ModelSeed[] = [
  {
    slug: 'seedream-v4',
    name: 'Seedream 4.0',
    description: 'ByteDance text-to-image and image editing',
    kind: 'image',
    modes: ['t2i', 'i2i'],
    provider: 'wavespeed',
    model: 'bytedance/seedream-v4',
    modelI2i: 'bytedance/seedream-v4/edit',
    inputs: [0, 10],
    quality: 'high',
    avgSeconds: 20,
    options: { size: { type: 'enum', values: SEEDREAM_SIZES, default: '2048*2048' } },
    prices: [{ credits: 27 }],
  },
  {
    slug: 'nano-banana',
    name: 'Nano Banana',
    description: 'Google Gemini 2.5 Flash Image',
    kind: 'image',
    modes: ['t2i', 'i2i'],
    provider: 'wavespeed',
    model: 'google/nano-banana/text-to-image',
    modelI2i: 'google/nano-banana/edit',
    inputs: [0, 10],
    quality: 'high',
    avgSeconds: 15,
    options: { aspect_ratio: { type: 'enum', values: ASPECT, default: '1:1' }, output_format: FORMAT },
    prices: [{ credits: 38 }],
  },
  {
    slug: 'nano-banana-pro',
    name: 'Nano Banana Pro',
    description: 'Google Gemini 3 Pro Image, up to 4K',
    kind: 'image',
    modes: ['t2i', 'i2i'],
    provider: 'wavespeed',
    model: 'google/nano-banana-pro/text-to-image',
    modelI2i: 'google/nano-banana-pro/edit',
    inputs: [0, 14],
    quality: 'ultra',
    avgSeconds: 40,
    options: {
      aspect_ratio: { type: 'enum', values: ASPECT, default: '1:1' },
      resolution: { type: 'enum', values: ['1k', '2k', '4k'], default: '1k' },
      output_format: FORMAT,
    },
    prices: [{ credits: 140 }, { match: { resolution: '4k' }, credits: 240 }],
  },
  {
    slug: 'gpt-image-1.5',
    name: 'GPT Image 1.5',
    description: 'OpenAI image generation and editing',
    kind: 'image',
    modes: ['t2i', 'i2i'],
    provider: 'wavespeed',
    model: 'openai/gpt-image-1.5/text-to-image',
    modelI2i: 'openai/gpt-image-1.5/edit',
    inputs: [0, 10],
    quality: 'high',
    avgSeconds: 45,
    options: {
      size: { type: 'enum', values: GPT_SIZES, default: '1024*1024' },
      quality: { type: 'enum', values: ['low', 'medium', 'high'], default: 'medium' },
      input_fidelity: { type: 'enum', values: ['low', 'high'], default: 'low', modes: ['i2i'] },
    },
    prices: gptPrices(),
  },
  {
    slug: 'qwen',
    name: 'Qwen Image',
    description: 'Alibaba Qwen text-to-image and editing',
    kind: 'image',
    modes: ['t2i', 'i2i'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/qwen-image/text-to-image',
    modelI2i: 'wavespeed-ai/qwen-image/edit',
    inputs: [0, 1],
    quality: 'standard',
    avgSeconds: 15,
    options: { size: { type: 'enum', values: ['1024*1024', '1328*1328', '1664*928', '928*1664', '1472*1140', '1140*1472'], default: '1024*1024' } },
    prices: [{ credits: 20 }],
  },
  {
    slug: 'watermark-remove',
    name: 'Watermark remover',
    description: 'Removes watermarks and logos',
    kind: 'tool',
    modes: ['tool'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/image-watermark-remover',
    fallback: ['local', 'local/watermark-remove'],
    inputs: [1, 1],
    avgSeconds: 10,
    options: { output_format: FORMAT },
    prices: [{ credits: 12 }],
  },
  {
    slug: 'upscale',
    name: 'Upscaler',
    description: 'Upscales to 2K, 4K or 8K',
    kind: 'tool',
    modes: ['tool'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/image-upscaler',
    fallback: ['local', 'local/upscale'],
    inputs: [1, 1],
    avgSeconds: 20,
    options: { target_resolution: { type: 'enum', values: ['2k', '4k', '8k'], default: '4k' }, output_format: FORMAT },
    prices: [{ credits: 60 }],
  },
  {
    slug: 'denoise',
    name: 'Denoiser',
    description: 'Removes noise',
    kind: 'tool',
    modes: ['tool'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/topaz/image/denoise',
    fallback: ['local', 'local/denoise'],
    inputs: [1, 1],
    avgSeconds: 20,
    options: { model: { type: 'enum', values: ['Normal', 'Strong', 'Extreme'], default: 'Normal' }, output_format: FORMAT },
    prices: [{ credits: 20 }],
  },
  {
    slug: 'restore',
    name: 'Photo restoration',
    description: 'Restores old and damaged photos',
    kind: 'tool',
    modes: ['tool'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/topaz/image/restore',
    fallback: ['local', 'local/restore'],
    inputs: [1, 1],
    avgSeconds: 25,
    serviceType: 'restore',
    options: { model: { type: 'enum', values: ['Dust-Scratch', 'Dust-Scratch V2'], default: 'Dust-Scratch' }, output_format: FORMAT },
    prices: [{ credits: 20 }],
  },
  {
    slug: 'enhance',
    name: 'Enhancer',
    description: 'Sharpens and enhances photos',
    kind: 'tool',
    modes: ['tool'],
    provider: 'wavespeed',
    model: 'wavespeed-ai/topaz/image/enhance',
    fallback: ['local', 'local/enhance'],
    inputs: [1, 1],
    avgSeconds: 25,
    options: {
      size: { type: 'enum', values: ['2048*2048', '4096*4096'], default: '2048*2048' },
      model: { type: 'enum', values: ['Standard V2', 'Low Resolution V2', 'CGI', 'High Fidelity V2', 'Text Refine'], default: 'Standard V2' },
      output_format: FORMAT,
    },
    prices: [{ credits: 30 }],
  },
  {
    slug: 'text-to-speech',
    name: 'Text to speech',
    description: 'ElevenLabs multilingual voices',
    kind: 'audio',
    modes: ['tts'],
    provider: 'elevenlabs',
    model: 'eleven_multilingual_v2',
    avgSeconds: 5,
    options: { voice_id: { type: 'string', required: true, maxLength: 64 } },
    prices: [{ credits: 1 }],
  },
  {
    slug: 'talking-head',
    name: 'Talking head video',
    description: 'A portrait speaking an audio track',
    kind: 'video',
    modes: ['talking_head'],
    provider: 'fal',
    model: 'fal-ai/sadtalker',
    inputs: [1, 1],
    avgSeconds: 120,
    timeoutSeconds: 1200,
    options: {},
    prices: [{ credits: 1 }],
  },
  {
    slug: 'animate',
    name: 'Photo animation',
    description: 'Brings a still photo to life as a short video',
    kind: 'video',
    modes: ['i2v'],
    provider: 'fal',
    model: 'fal-ai/kling-video/v2.1/standard/image-to-video',
    inputs: [1, 1],
    avgSeconds: 180,
    timeoutSeconds: 1200,
    serviceType: 'animate',
    options: { duration: { type: 'enum', values: ['5', '10'], default: '5' } },
    prices: [{ credits: 100 }, { match: { duration: '10' }, credits: 200 }],
  },
  {
    slug: 'animate-drawing',
    name: 'Drawing come alive',
    description: 'Turns a child’s drawing into several illustrations',
    kind: 'image',
    modes: ['i2i'],
    provider: 'gemini',
    model: 'gemini-2.5-flash-image',
    fallback: ['local', 'local/animate-drawing'],
    inputs: [1, 1],
    outputs: 4,
    avgSeconds: 30,
    serviceType: 'drawing',
    options: { count: { type: 'integer', min: 1, max: 8, default: 4 } },
    prices: [{ credits: 1 }],
  },
  {
    slug: 'local-text-to-image',
    name: 'Local sketch',
    description: 'Built-in renderer: no provider needed',
    kind: 'image',
    modes: ['t2i'],
    provider: 'local',
    model: 'local/text-to-image',
    avgSeconds: 1,
    quality: 'draft',
    options: {
      size: { type: 'enum', values: ['512*512', '1024*1024', '1024*1536', '1536*1024'], default: '1024*1024' },
      output_format: { type: 'enum', values: ['jpeg', 'png', 'webp'], default: 'png' },
    },
    prices: [{ credits: 5 }],
  },
];

export class Catalog1764000300000 implements MigrationInterface {
  name = 'Catalog1764000300000';

  async up(q: QueryRunner): Promise<void> {
    for (const [order, m] of CATALOG.entries()) {
      const [{ id }]: { id: string }[] = await q.query(
        `INSERT INTO models (slug, display_name, description, kind, modes, provider, provider_model, provider_model_i2i, fallback_provider, fallback_model,
                             options_schema, min_input_images, max_input_images, outputs_per_run, quality, avg_duration_seconds, timeout_seconds, service_type, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
        [
          m.slug,
          m.name,
          m.description,
          m.kind,
          m.modes,
          m.provider,
          m.model,
          m.modelI2i ?? null,
          m.fallback?.[0] ?? null,
          m.fallback?.[1] ?? null,
          m.options,
          m.inputs?.[0] ?? 0,
          m.inputs?.[1] ?? 0,
          m.outputs ?? 1,
          m.quality ?? null,
          m.avgSeconds ?? null,
          m.timeoutSeconds ?? 600,
          m.serviceType ?? null,
          order * 10,
        ],
      );
      for (const price of m.prices) {
        await q.query(`INSERT INTO model_prices (model_id, mode, match, credits, usd) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          price.mode ?? null,
          price.match ?? {},
          price.credits ?? null,
          price.usd ?? null,
        ]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM models WHERE slug = ANY($1)`, [CATALOG.map((m) => m.slug)]);
  }
}
