import { ProviderError, ProviderInput } from '../../application/ports/generation-provider';

/**
 * The HTTP plumbing every remote provider adapter shares: one call with a timeout whose network
 * failures are transient, and the common reading of an error status. What a provider's error body
 * looks like, and how it says the account is empty, stays in its adapter.
 */

export type Json = Record<string, unknown>;

export interface ProviderRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Sent as JSON. */
  body?: Json;
  timeoutMs: number;
  /** The call as errors name it: `wavespeed: POST /api/v3/…`. */
  what: string;
}

export interface ProviderAnswer {
  status: number;
  ok: boolean;
  statusText: string;
  bytes: Buffer;
  text: string;
  /** The body when it is a JSON object. */
  json: Json | undefined;
  contentType: string | null;
  retryAfter: string | null;
}

/**
 * Sends one request and reads the whole answer, whatever its status. A network error, a timeout
 * or a body cut off mid-way throws a transient ProviderError: the request may be worth another try.
 */
export async function callProvider({ url, method, headers, body, timeoutMs, what }: ProviderRequest): Promise<ProviderAnswer> {
  try {
    const res = await fetch(url, {
      method,
      headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    // TextDecoder drops a BOM, as `res.text()` does.
    const text = new TextDecoder().decode(bytes);
    return {
      status: res.status,
      ok: res.ok,
      statusText: res.statusText,
      bytes,
      text,
      json: parseJson(text),
      contentType: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
    };
  } catch (error) {
    // By name: the abort is a DOMException, which is no `instanceof Error` across realms (as under jest).
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new ProviderError('transient', `${what} ${timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${String(error)}`}`);
  }
}

/**
 * What a failed status means: 402 (or `outOfBalance`, the adapter's reading of the body) an empty
 * account, 401/403 a key we can't use, 429 a wait of Retry-After or `defaultRetrySeconds`,
 * 408/5xx a passing fault, and any other status a refusal of this input.
 */
export function providerErrorFor(
  status: number,
  message: string,
  retryAfter: string | null,
  { defaultRetrySeconds, outOfBalance = false }: { defaultRetrySeconds: number; outOfBalance?: boolean },
): ProviderError {
  if (status === 402 || outOfBalance) return new ProviderError('insufficient_balance', message);
  if (status === 401 || status === 403) return new ProviderError('unavailable', message);
  if (status === 429) return new ProviderError('rate_limited', message, retryAfterSeconds(retryAfter) ?? defaultRetrySeconds);
  if (status === 408 || status >= 500) return new ProviderError('transient', message);
  return new ProviderError('rejected', message);
}

/** `Retry-After` in seconds (at least 1), from its seconds or HTTP-date form; undefined without a usable one. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** The text as a JSON object, or undefined when it is not one. */
function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JSON body of the URL-based queue APIs (Wavespeed, fal): the catalog options as the provider
 * names them, the prompt, and the input images as URLs — a list for edit models (`i2i`), the first
 * one alone for single-image tools and video models. Field names are the provider's.
 */
export function urlImageBody(input: ProviderInput, provider: string, fields: { list: string; single: string }): Json {
  if (!input.imageUrls?.length && input.images?.length) {
    throw new ProviderError('rejected', `${provider}: input images must be URLs, not inline bytes`);
  }
  const body: Json = { ...input.options };
  if (input.prompt !== undefined) body.prompt = input.prompt;
  const urls = input.imageUrls ?? [];
  if (urls.length > 0 && input.mode === 'i2i') body[fields.list] = urls;
  else if (urls.length > 0) body[fields.single] = urls[0];
  return body;
}
