/**
 * The port every AI provider adapter implements. The worker drives it: `submit` once per
 * generation (keyed by the generation id), then `poll` from delayed jobs until a final status.
 * Synchronous providers (ElevenLabs, Gemini, local) finish inside `submit`.
 */

// Defined in domain/ (the catalog uses it too); re-exported here for the adapters.
import type { GenerationMode } from '../../domain/generation-mode';
export type { GenerationMode };

export interface ProviderInput {
  /** The provider's own model path, e.g. `bytedance/seedream-v4` or `fal-ai/flux/dev`. */
  providerModel: string;
  mode: GenerationMode;
  prompt?: string;
  /** The model's fixed instruction (seed 003's "bring the drawing to life"), in the user's language; sent ahead of the prompt. */
  instruction?: string;
  /** Input files as URLs the provider can fetch (presigned GET URLs of our storage); for `takes = 'urls'` only. */
  imageUrls?: string[];
  /** Input files as bytes, for providers that take them inline (`takes = 'bytes'`: Gemini, local). */
  images?: { data: Buffer; contentType: string }[];
  /** Model options as the catalog names them: size, aspect_ratio, resolution, quality, voice_id … */
  options: Record<string, string | number | boolean>;
}

export interface ProviderOutput {
  /** Either a URL to download the result from … */
  url?: string;
  /** … or the bytes themselves. */
  data?: Buffer;
  contentType?: string;
}

export type ProviderStatus =
  { state: 'running'; progress?: number } | { state: 'succeeded'; outputs: ProviderOutput[]; costUsd?: number } | { state: 'failed'; reason: string };

export type SubmitResult = { externalId: string; status: ProviderStatus };

/** Why a provider call did not work, which decides what the worker does next. */
export type ProviderErrorKind =
  /** Not configured (no key) or down: refuse new work with 503. */
  | 'unavailable'
  /** 429 or quota exhausted: retry after `retryAfterSeconds`. */
  | 'rate_limited'
  /** The provider account has no money left: 503 and stop submitting. */
  | 'insufficient_balance'
  /** The provider refused this input (400/422): the generation fails, no retry. */
  | 'rejected'
  /** Network errors, 5xx: retry with backoff. */
  | 'transient'
  /**
   * The provider no longer knows a job it accepted (a crash took the local provider's work with
   * it, or a remote one answers "not found"): the worker submits the generation again.
   */
  | 'lost';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export abstract class GenerationProvider {
  /** Stable name used in the catalog's `provider` column: `wavespeed`, `fal`, `elevenlabs`, `gemini`, `local`. */
  abstract readonly name: string;

  /**
   * How the provider takes input files: `urls` it fetches itself (presigned GETs of our storage,
   * in `imageUrls` and `options.audio_url`), or `bytes` sent inline (`images`). The worker prepares
   * only that one, so a URL provider's inputs are never read into memory.
   */
  abstract readonly takes: 'urls' | 'bytes';

  /** True when the provider has what it needs (keys) to take work. */
  abstract isConfigured(): boolean;

  /** Starts the work. `idempotencyKey` is the generation id: send it where the provider accepts one. */
  abstract submit(input: ProviderInput, idempotencyKey: string): Promise<SubmitResult>;

  /** Current status of work started by `submit`. */
  abstract poll(externalId: string, providerModel: string): Promise<ProviderStatus>;

  /**
   * Called once the worker has stored a finished job's results, so a provider that keeps its own
   * copy (the local one, in storage) can drop it. Best effort: a leftover is only wasted space.
   */
  async discard(_externalId: string): Promise<void> {}

  /** Whether the provider account can pay for more work; providers without a balance API say yes. */
  async hasBalance(): Promise<boolean> {
    return true;
  }
}
