import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import {
  GenerationProvider,
  ProviderError,
  ProviderInput,
  ProviderStatus,
  SubmitResult,
} from '../../../application/ports/generation-provider';

type Json = Record<string, unknown>;

/** A voice as `listVoices` returns it. */
export interface ElevenLabsVoice {
  voiceId: string;
  name: string;
  category?: string;
  labels: Record<string, string>;
  previewUrl?: string;
}

const DEFAULT_MODEL = 'eleven_multilingual_v2';
const DEFAULT_OUTPUT_FORMAT = 'mp3_44100_128';
/** Long texts take a while to synthesize; the answer comes only when all the audio is ready. */
const TTS_TIMEOUT_MS = 120_000;
const READ_TIMEOUT_MS = 15_000;
const VOICES_TTL_MS = 10 * 60_000;
/** 429s here are mostly the concurrency limit, which frees up within seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** Catalog options that ElevenLabs takes inside `voice_settings` rather than at the top level. */
const VOICE_SETTINGS = ['stability', 'similarity_boost', 'style', 'use_speaker_boost', 'speed'];

/**
 * ElevenLabs text to speech: `POST /v1/text-to-speech/{voice_id}?output_format=…` with the
 * `xi-api-key` header answers the audio bytes themselves, so the work is done inside `submit`.
 * Errors carry `{ detail: { code | status, message } }`; an exhausted character quota is a 401
 * whose code is `quota_exceeded`, told apart from a bad key by that code.
 */
@Injectable()
export class ElevenLabsAdapter extends GenerationProvider {
  readonly name = 'elevenlabs';
  private voices?: { list: Promise<ElevenLabsVoice[]>; until: number };

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.ELEVENLABS_API_KEY);
  }

  async submit(input: ProviderInput, _idempotencyKey: string): Promise<SubmitResult> {
    if (input.mode !== 'tts') throw new ProviderError('rejected', `elevenlabs: mode ${input.mode} is not supported, only tts`);
    const voiceId = input.options.voice_id;
    if (typeof voiceId !== 'string' || !voiceId.trim()) throw new ProviderError('rejected', 'elevenlabs: the voice_id option is required');
    if (!input.prompt?.trim()) throw new ProviderError('rejected', 'elevenlabs: there is no text to speak');
    const format = String(input.options.output_format ?? DEFAULT_OUTPUT_FORMAT);
    const path = `/v1/text-to-speech/${encodeURIComponent(voiceId.trim())}?output_format=${encodeURIComponent(format)}`;
    const res = await this.call('POST', path, TTS_TIMEOUT_MS, requestBody(input));
    const data = Buffer.from(await readBody(res, 'POST', '/v1/text-to-speech', TTS_TIMEOUT_MS));
    if (data.length === 0) throw new ProviderError('transient', 'elevenlabs: text to speech answered no audio');
    const declared = res.headers.get('content-type')?.split(';')[0].trim();
    const contentType = declared?.startsWith('audio/') ? declared : contentTypeOf(format);
    // ElevenLabs has no job to come back to, so the id only has to be unique.
    return { externalId: randomUUID(), status: { state: 'succeeded', outputs: [{ data, contentType }] } };
  }

  async poll(externalId: string, _providerModel: string): Promise<ProviderStatus> {
    return { state: 'failed', reason: `elevenlabs: ${externalId} cannot be polled; speech is returned by submit only` };
  }

  /** The account's voices (premade, cloned, library), kept for 10 minutes: they change rarely. */
  async listVoices(): Promise<ElevenLabsVoice[]> {
    if (this.voices && this.voices.until > Date.now()) return this.voices.list;
    const list = this.fetchVoices();
    // Concurrent callers share one request; a failure is not remembered.
    this.voices = { list, until: Date.now() + VOICES_TTL_MS };
    list.catch(() => {
      if (this.voices?.list === list) this.voices = undefined;
    });
    return list;
  }

  private async fetchVoices(): Promise<ElevenLabsVoice[]> {
    const res = await this.call('GET', '/v1/voices', READ_TIMEOUT_MS);
    const body = parseJson(new TextDecoder().decode(await readBody(res, 'GET', '/v1/voices', READ_TIMEOUT_MS)));
    const voices = Array.isArray(body?.voices) ? (body.voices as Json[]) : [];
    return voices
      .filter((voice) => typeof voice.voice_id === 'string')
      .map((voice) => ({
        voiceId: voice.voice_id as string,
        name: typeof voice.name === 'string' ? voice.name : (voice.voice_id as string),
        category: typeof voice.category === 'string' ? voice.category : undefined,
        labels: voice.labels && typeof voice.labels === 'object' ? Object.fromEntries(Object.entries(voice.labels as Json).map(([k, v]) => [k, String(v)])) : {},
        previewUrl: typeof voice.preview_url === 'string' ? voice.preview_url : undefined,
      }));
  }

  /** Sends one request and returns the successful response, or throws the ProviderError its failure means. */
  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number, body?: Json): Promise<Response> {
    const key = this.config.env.ELEVENLABS_API_KEY;
    if (!key) throw new ProviderError('unavailable', 'elevenlabs: ELEVENLABS_API_KEY is not set');
    const route = path.split('?')[0];
    let res: Response;
    try {
      res = await fetch(`${this.config.env.ELEVENLABS_BASE_URL.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { 'xi-api-key': key, accept: method === 'POST' ? '*/*' : 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkError(method, route, timeoutMs, error);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    const { code, message } = errorDetail(parseJson(text), text || res.statusText);
    throw errorFor(res.status, code, `elevenlabs: ${method} ${route} answered ${res.status}${code ? ` ${code}` : ''}: ${message}`, res.headers.get('retry-after'));
  }
}

/** `voice_settings` gathers the catalog's tuning options; `language_code` and `seed` go as they are. */
function requestBody(input: ProviderInput): Json {
  const settings = Object.fromEntries(VOICE_SETTINGS.filter((name) => input.options[name] !== undefined).map((name) => [name, input.options[name]]));
  return {
    text: input.prompt,
    model_id: modelId(input),
    ...(Object.keys(settings).length > 0 ? { voice_settings: settings } : {}),
    ...(input.options.language_code !== undefined ? { language_code: input.options.language_code } : {}),
    ...(input.options.seed !== undefined ? { seed: input.options.seed } : {}),
  };
}

/** The catalog may name the model in `providerModel` (`eleven_flash_v2_5`) or in the `model_id` option. */
function modelId(input: ProviderInput): string {
  if (typeof input.options.model_id === 'string' && input.options.model_id) return input.options.model_id;
  return input.providerModel.startsWith('eleven_') ? input.providerModel : DEFAULT_MODEL;
}

function contentTypeOf(outputFormat: string): string {
  const codec = outputFormat.split('_')[0];
  return { mp3: 'audio/mpeg', opus: 'audio/ogg', wav: 'audio/wav', pcm: 'audio/pcm', ulaw: 'audio/basic' }[codec] ?? 'application/octet-stream';
}

/** `detail` is an object (`code`, legacy `status`, `message`), a validation list, or a plain string. */
function errorDetail(body: Json | undefined, fallback: string): { code?: string; message: string } {
  const detail = body?.detail;
  if (Array.isArray(detail)) {
    const first = detail[0] as Json | undefined;
    const where = Array.isArray(first?.loc) ? ` (${first.loc.join('.')})` : '';
    return { code: 'validation_error', message: `${String(first?.msg ?? 'invalid request')}${where}` };
  }
  if (detail && typeof detail === 'object') {
    const fields = detail as Json;
    const code = typeof fields.code === 'string' ? fields.code : typeof fields.status === 'string' ? fields.status : undefined;
    return { code, message: typeof fields.message === 'string' ? fields.message : fallback.slice(0, 300) };
  }
  return { message: typeof detail === 'string' ? detail : fallback.slice(0, 300) };
}

function errorFor(status: number, code: string | undefined, message: string, retryAfter: string | null): ProviderError {
  if (status === 402 || code === 'quota_exceeded') return new ProviderError('insufficient_balance', message);
  if (status === 401 || status === 403) return new ProviderError('unavailable', message);
  if (status === 429) return new ProviderError('rate_limited', message, retryAfterSeconds(retryAfter));
  if (status === 408 || status >= 500) return new ProviderError('transient', message);
  return new ProviderError('rejected', message);
}

function networkError(method: string, path: string, timeoutMs: number, error: unknown): ProviderError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return new ProviderError('transient', `elevenlabs: ${method} ${path} ${timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${String(error)}`}`);
}

/** A body cut off mid-way (network, timeout) is worth another try. */
async function readBody(res: Response, method: string, path: string, timeoutMs: number): Promise<ArrayBuffer> {
  try {
    return await res.arrayBuffer();
  } catch (error) {
    throw networkError(method, path, timeoutMs, error);
  }
}

function retryAfterSeconds(header: string | null): number {
  if (!header) return DEFAULT_RETRY_AFTER_SECONDS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
