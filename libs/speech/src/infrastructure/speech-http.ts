import { SpeechToTextError } from '../application/ports/speech-to-text';

export type Json = Record<string, unknown>;

export interface SpeechAnswer {
  status: number;
  json: Json | undefined;
  text: string;
}

/** One request, read whole; a network error or timeout is transient. */
export async function post(
  url: string,
  init: { headers: Record<string, string>; body: string | FormData; timeoutMs: number; what: string },
): Promise<SpeechAnswer> {
  try {
    const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(init.timeoutMs) });
    const text = await res.text();
    return { status: res.status, json: parseJson(text), text };
  } catch (error) {
    // By name: the abort is a DOMException, which is no `instanceof Error` across realms (as under jest).
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new SpeechToTextError('transient', `${init.what} ${timedOut ? `timed out after ${init.timeoutMs} ms` : `failed: ${String(error)}`}`);
  }
}

/** What a failed status means for the clip: a key we can't use, a wait, a passing fault, or a refusal. */
export function errorFor(status: number, message: string): SpeechToTextError {
  if (status === 401 || status === 403) return new SpeechToTextError('unavailable', message);
  if (status === 429) return new SpeechToTextError('rate_limited', message);
  if (status === 408 || status >= 500) return new SpeechToTextError('transient', message);
  return new SpeechToTextError('rejected', message);
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
