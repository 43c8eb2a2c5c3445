import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { GenerationProvider, ProviderError, ProviderInput, ProviderOutput, ProviderStatus, SubmitResult } from '../../../application/ports/generation-provider';
import { callProvider, Json, ProviderAnswer, providerErrorFor, urlImageBody } from '../provider-http';

type Answer = ProviderAnswer & { what: string };

const SUBMIT_TIMEOUT_MS = 30_000;
const READ_TIMEOUT_MS = 15_000;
const DEFAULT_RETRY_AFTER_SECONDS = 10;
/** fal locks an account that ran out of credit: 403 "User is locked. Reason: Exhausted balance …". */
const INSUFFICIENT_BALANCE = /insufficient[\s_-]*(balance|credit|fund)|exhausted balance|not enough (balance|credit)|top[\s-]?up/i;
/** Apps under these namespaces have one more leading segment (`workflows/owner/app`). */
const NAMESPACES = ['workflows', 'comfy'];
/** Result fields that hold files (`{ url, content_type }`, a list of them, or a bare URL). */
const FILE_FIELDS = ['images', 'image', 'video', 'videos', 'audio', 'audio_file', 'audio_url', 'file'];

/**
 * fal's queue API: `POST {queue}/{model}` enqueues and answers a `request_id`; `GET {queue}/{app}/requests/{id}/status`
 * reports IN_QUEUE | IN_PROGRESS | COMPLETED (a failed request is COMPLETED too, with `error`);
 * `GET {queue}/{app}/requests/{id}` returns the model output, or the model's error. Status and result URLs
 * take the app id (owner/app) without the endpoint path. fal documents no client idempotency key (callers
 * may not set `x-fal-*` headers), so a submit is sent once and never retried here.
 */
@Injectable()
export class FalAdapter extends GenerationProvider {
  readonly name = 'fal';
  readonly takes = 'urls' as const;

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.FAL_KEY);
  }

  async submit(input: ProviderInput, _idempotencyKey: string): Promise<SubmitResult> {
    const answer = ensureOk(await this.call('POST', `/${modelSegments(input.providerModel).join('/')}`, SUBMIT_TIMEOUT_MS, requestBody(input)));
    const requestId = answer.json?.request_id;
    if (typeof requestId !== 'string' || !requestId) throw new ProviderError('transient', 'fal: submit answered without a request_id');
    return { externalId: requestId, status: { state: 'running' } };
  }

  async poll(externalId: string, providerModel: string): Promise<ProviderStatus> {
    const base = `/${appId(providerModel)}/requests/${encodeURIComponent(externalId)}`;
    const status = ensureOk(await this.call('GET', `${base}/status`, READ_TIMEOUT_MS)).json ?? {};
    if (status.status === 'FAILED' || status.status === 'CANCELED' || status.status === 'CANCELLED') {
      return { state: 'failed', reason: textOf(status.error) ?? `fal: request ${String(status.status).toLowerCase()}` };
    }
    if (status.status !== 'COMPLETED') return { state: 'running' };
    const error = textOf(status.error);
    if (error) return { state: 'failed', reason: error };

    const result = await this.call('GET', base, READ_TIMEOUT_MS);
    // The result endpoint repeats the model's own error; a 4xx there is this request's final answer,
    // unless it is about our key, our rate or our balance.
    const fatal = result.status >= 400 && result.status < 500 && ![401, 403, 408, 429].includes(result.status) && !INSUFFICIENT_BALANCE.test(messageOf(result));
    if (fatal) return { state: 'failed', reason: messageOf(result) };
    const outputs = outputsOf(ensureOk(result).json ?? {});
    return outputs.length > 0 ? { state: 'succeeded', outputs } : { state: 'failed', reason: 'fal: completed without output files' };
  }

  private async call(method: 'GET' | 'POST', path: string, timeoutMs: number, body?: Json): Promise<Answer> {
    const key = this.config.env.FAL_KEY;
    if (!key) throw new ProviderError('unavailable', 'fal: FAL_KEY is not set');
    const what = `fal: ${method} ${path}`;
    const url = `${this.config.env.FAL_BASE_URL.replace(/\/+$/, '')}${path}`;
    const answer = await callProvider({ url, method, headers: { authorization: `Key ${key}`, accept: 'application/json' }, body, timeoutMs, what });
    return { ...answer, what };
  }
}

/** Catalog options pass through as fal names them (image_size, aspect_ratio, num_images, resolution …). */
function requestBody(input: ProviderInput): Json {
  return urlImageBody(input, 'fal', { list: 'image_urls', single: 'image_url' });
}

function ensureOk(answer: Answer): Answer {
  if (answer.status >= 200 && answer.status < 300) return answer;
  const message = `${answer.what} answered ${answer.status}: ${messageOf(answer)}`;
  throw providerErrorFor(answer.status, message, answer.retryAfter, {
    defaultRetrySeconds: DEFAULT_RETRY_AFTER_SECONDS,
    outOfBalance: INSUFFICIENT_BALANCE.test(message),
  });
}

/** fal's `detail` is a string (request errors) or a list of `{ loc, msg, type }` (model errors). */
function messageOf(answer: ProviderAnswer): string {
  const detail = answer.json?.detail;
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail)) {
    const messages = detail.map((item) => textOf((item as Json | null)?.msg)).filter(Boolean);
    if (messages.length > 0) return messages.join('; ');
  }
  return answer.text.slice(0, 300) || `HTTP ${answer.status}`;
}

function outputsOf(result: Json): ProviderOutput[] {
  const outputs: ProviderOutput[] = [];
  for (const field of FILE_FIELDS) {
    const value = result[field];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && /^https?:\/\//.test(item)) outputs.push({ url: item });
      const file = item as Json | null | undefined;
      if (file && typeof file === 'object' && typeof file.url === 'string') {
        outputs.push(typeof file.content_type === 'string' ? { url: file.url, contentType: file.content_type } : { url: file.url });
      }
    }
  }
  return outputs;
}

function modelSegments(model: string): string[] {
  const segments = model.split('/').filter(Boolean);
  if (segments.length < 2 || segments.some((s) => s === '.' || s === '..')) throw new ProviderError('rejected', `fal: "${model}" is not an owner/app model id`);
  return segments.map(encodeURIComponent);
}

/** `fal-ai/flux/dev` → `fal-ai/flux`: status and result live under the app, not the endpoint path. */
function appId(model: string): string {
  const segments = modelSegments(model);
  return segments.slice(0, NAMESPACES.includes(segments[0]) ? 3 : 2).join('/');
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
