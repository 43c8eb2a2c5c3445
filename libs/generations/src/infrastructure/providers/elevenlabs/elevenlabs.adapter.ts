import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { GenerationProvider, ProviderError, ProviderInput, ProviderStatus, SubmitResult } from '../../../application/ports/generation-provider';
import { callProvider, Json, ProviderAnswer, providerErrorFor } from '../provider-http';

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
  readonly takes = 'urls' as const;
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
    const answer = await this.call('POST', path, TTS_TIMEOUT_MS, requestBody(input));
    if (answer.bytes.length === 0) throw new ProviderError('transient', 'elevenlabs: text to speech answered no audio');
    const declared = answer.contentType?.split(';')[0].trim();
    const contentType = declared?.startsWith('audio/') ? declared : contentTypeOf(format);
    // ElevenLabs has no job to come back to, so the id only has to be unique.
    return { externalId: randomUUID(), status: { state: 'succeeded', outputs: [{ data: answer.bytes, contentType }] } };
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
    const body = (await this.call('GET', '/v1/voices', READ_TIMEOUT_MS)).json;
    const voices = Array.isArray(body?.voices) ? (body.voices as Json[]) : [];
    return voices
      .filter((voice) => typeof voice.voice_id === 'string')
      .map((voice) => ({
        voiceId: voice.voice_id as string,
        name: typeof voice.name === 'string' ? voice.name : (voice.voice_id as string),
        category: typeof voice.category === 'string' ? voice.category : undefined,
        labels:
          voice.labels && typeof voice.labels === 'object' ? Object.fromEntries(Object.entries(voice.labels as Json).map(([k, v]) => [k, String(v)])) : {},
        previewUrl: typeof voice.preview_url === 'string' ? voice.preview_url : undefined,
      }));
  }

  /** Sends one request and returns the successful answer, or throws the ProviderError its failure means. */
  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number, body?: Json): Promise<ProviderAnswer> {
    const key = this.config.env.ELEVENLABS_API_KEY;
    if (!key) throw new ProviderError('unavailable', 'elevenlabs: ELEVENLABS_API_KEY is not set');
    const what = `elevenlabs: ${method} ${path.split('?')[0]}`;
    const answer = await callProvider({
      url: `${this.config.env.ELEVENLABS_BASE_URL.replace(/\/+$/, '')}${path}`,
      method,
      headers: { 'xi-api-key': key, accept: method === 'POST' ? '*/*' : 'application/json' },
      body,
      timeoutMs,
      what,
    });
    if (answer.ok) return answer;
    const { code, message } = errorDetail(answer.json, answer.text || answer.statusText);
    const reason = `${what} answered ${answer.status}${code ? ` ${code}` : ''}: ${message}`;
    throw providerErrorFor(answer.status, reason, answer.retryAfter, {
      defaultRetrySeconds: DEFAULT_RETRY_AFTER_SECONDS,
      outOfBalance: code === 'quota_exceeded',
    });
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
