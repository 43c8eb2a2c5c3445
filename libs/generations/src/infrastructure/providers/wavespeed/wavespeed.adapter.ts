import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { GenerationProvider, ProviderError, ProviderInput, ProviderOutput, ProviderStatus, SubmitResult } from '../../../application/ports/generation-provider';
import { callProvider, Json, providerErrorFor, urlImageBody } from '../provider-http';

const SUBMIT_TIMEOUT_MS = 30_000;
const READ_TIMEOUT_MS = 15_000;
const DEFAULT_RETRY_AFTER_SECONDS = 10;
/** Below this many USD a single generation may not be paid for, so the account counts as empty. */
const MIN_BALANCE_USD = 0.05;
const BALANCE_TTL_MS = 60_000;
const INSUFFICIENT_BALANCE = /insufficient[\s_-]*(balance|credit|fund)|exhausted balance|not enough (balance|credit)|top[\s-]?up/i;

/**
 * Wavespeed's v3 API: `POST /api/v3/{model}` starts a prediction, `GET /api/v3/predictions/{id}/result`
 * reports created | processing | completed | failed with output URLs, `GET /api/v3/balance` the USD left.
 * Every answer is the envelope `{ code, message, data }`. Wavespeed documents no idempotency key, so a
 * submit is sent once and never retried here: the job may already exist when a submit times out.
 */
@Injectable()
export class WavespeedAdapter extends GenerationProvider {
  readonly name = 'wavespeed';
  readonly takes = 'urls' as const;
  private balanceCache?: { enough: boolean; until: number };

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.WAVESPEED_API_KEY);
  }

  async submit(input: ProviderInput, _idempotencyKey: string): Promise<SubmitResult> {
    const data = await this.call('POST', `/api/v3/${modelPath(input.providerModel)}`, SUBMIT_TIMEOUT_MS, requestBody(input));
    if (typeof data.id !== 'string' || !data.id) throw new ProviderError('transient', 'wavespeed: submit answered without a prediction id');
    return { externalId: data.id, status: statusOf(data) };
  }

  async poll(externalId: string, _providerModel: string): Promise<ProviderStatus> {
    // A prediction it accepted and no longer knows is lost (their side expired or dropped it): the
    // worker submits again rather than failing the generation.
    return statusOf(await this.call('GET', `/api/v3/predictions/${encodeURIComponent(externalId)}/result`, READ_TIMEOUT_MS, undefined, { notFound: 'lost' }));
  }

  /** Cached for a minute: the worker asks before every submit, and the balance moves slowly. */
  override async hasBalance(): Promise<boolean> {
    if (this.balanceCache && this.balanceCache.until > Date.now()) return this.balanceCache.enough;
    const data = await this.call('GET', '/api/v3/balance', READ_TIMEOUT_MS);
    const enough = Number(data.balance) > MIN_BALANCE_USD;
    this.balanceCache = { enough, until: Date.now() + BALANCE_TTL_MS };
    return enough;
  }

  /** Sends one request and returns the envelope's `data`, or throws the ProviderError its failure means. */
  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number, body?: Json, { notFound }: { notFound?: 'lost' } = {}): Promise<Json> {
    const key = this.config.env.WAVESPEED_API_KEY;
    if (!key) throw new ProviderError('unavailable', 'wavespeed: WAVESPEED_API_KEY is not set');
    const what = `wavespeed: ${method} ${path}`;
    const answer = await callProvider({
      url: `${this.config.env.WAVESPEED_BASE_URL.replace(/\/+$/, '')}${path}`,
      method,
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      body,
      timeoutMs,
      what,
    });
    const envelope = answer.json;
    // The envelope repeats the status in `code`; trust whichever of the two says it failed.
    const code = typeof envelope?.code === 'number' && envelope.code >= 400 ? envelope.code : answer.status;
    if (code >= 400 || !answer.ok) {
      const said = typeof envelope?.message === 'string' && envelope.message ? envelope.message : answer.text.slice(0, 300) || answer.statusText;
      const message = `${what} answered ${code}: ${said}`;
      if (code === 404 && notFound) throw new ProviderError(notFound, message);
      throw providerErrorFor(code, message, answer.retryAfter, {
        defaultRetrySeconds: DEFAULT_RETRY_AFTER_SECONDS,
        outOfBalance: INSUFFICIENT_BALANCE.test(message),
      });
    }
    const data = envelope?.data;
    if (!data || typeof data !== 'object') throw new ProviderError('transient', `${what} answered without data`);
    return data as Json;
  }
}

/** Catalog options pass through as Wavespeed names them (size, aspect_ratio, resolution, quality, output_format …). */
function requestBody(input: ProviderInput): Json {
  return urlImageBody(input, 'wavespeed', { list: 'images', single: 'image' });
}

function statusOf(data: Json): ProviderStatus {
  switch (data.status) {
    case 'completed': {
      const outputs = (Array.isArray(data.outputs) ? data.outputs : []).filter((url): url is string => typeof url === 'string' && url.length > 0);
      if (outputs.length === 0) return { state: 'failed', reason: 'wavespeed: completed without outputs' };
      return { state: 'succeeded', outputs: outputs.map(outputOf) };
    }
    case 'failed':
    case 'cancelled':
    case 'timeout':
      return { state: 'failed', reason: typeof data.error === 'string' && data.error ? data.error : `wavespeed: prediction ${data.status}` };
    default:
      // created, processing, and any state a newer API version adds: keep polling.
      return { state: 'running' };
  }
}

function outputOf(url: string): ProviderOutput {
  const extension = /\.(\w+)$/.exec(URL.canParse(url) ? new URL(url).pathname : url)?.[1]?.toLowerCase();
  const contentType = extension ? CONTENT_TYPES[extension] : undefined;
  return contentType ? { url, contentType } : { url };
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
};

/** `bytedance/seedream-v4/edit` stays a path; each segment is encoded so a bad catalog value can't escape it. */
function modelPath(model: string): string {
  const segments = model.split('/').filter(Boolean);
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) throw new ProviderError('rejected', `wavespeed: "${model}" is not a model path`);
  return segments.map(encodeURIComponent).join('/');
}
