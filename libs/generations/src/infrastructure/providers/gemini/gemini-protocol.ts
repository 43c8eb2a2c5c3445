import { ProviderError, ProviderErrorKind, ProviderInput, ProviderOutput } from '../../../application/ports/generation-provider';
import { Json, retryAfterSeconds } from '../provider-http';

/**
 * What Gemini's `generateContent` says, read without any I/O: the request body for an image run,
 * the images of an answer (or why there are none), and what an error answer means for the key
 * that was used. Google accepts both JSON spellings (`inline_data` / `inlineData`) and answers in
 * camelCase; both are read.
 */

/** Google refuses requests over 20 MB; inline images are base64, a third larger than their bytes. */
const MAX_INLINE_BYTES = 14 * 1024 * 1024;
/** Runs one submit may make (`options.count`); seed 003 returned four main and two bonus images. */
export const MAX_IMAGE_COUNT = 8;
const INPUT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];

/** The body of one run: the instruction and prompt, then the input images inline, asking for text and image output. */
export function requestBody(input: ProviderInput): Json {
  if (!['t2i', 'i2i', 'tool'].includes(input.mode)) throw rejected(`mode ${input.mode} is not supported`);
  // Seed 003's drawing comes with no words of the user's: the model's instruction is the prompt.
  const ownPrompt = input.prompt?.trim() || (typeof input.options.prompt === 'string' ? input.options.prompt.trim() : '');
  const prompt = [input.instruction?.trim(), ownPrompt].filter(Boolean).join('\n\n');
  const images = input.images ?? [];
  if (input.mode === 't2i' && !prompt) throw rejected('a prompt is required');
  if (input.mode !== 't2i' && images.length === 0) throw rejected(`mode ${input.mode} needs an input image`);
  const unsupported = images.find((image) => !INPUT_TYPES.includes(image.contentType));
  if (unsupported) throw rejected(`input images of type ${unsupported.contentType} are not supported`);
  if (images.reduce((sum, image) => sum + image.data.length, 0) > MAX_INLINE_BYTES) throw rejected('the input images are larger than a request may carry');

  const imageConfig: Json = {};
  if (input.options.aspect_ratio !== undefined) imageConfig.aspectRatio = String(input.options.aspect_ratio);
  const size = input.options.image_size ?? input.options.resolution;
  if (size !== undefined) imageConfig.imageSize = String(size).toUpperCase();
  return {
    contents: [
      {
        role: 'user',
        parts: [
          ...(prompt ? [{ text: prompt }] : []),
          ...images.map((image) => ({ inline_data: { mime_type: image.contentType, data: image.data.toString('base64') } })),
        ],
      },
    ],
    generationConfig: { responseModalities: ['TEXT', 'IMAGE'], ...(Object.keys(imageConfig).length > 0 ? { imageConfig } : {}) },
  };
}

/** `options.count`: how many runs (one image each, usually) a submit makes. */
export function imageCount(input: ProviderInput): number {
  const count = input.options.count ?? 1;
  if (typeof count !== 'number' && typeof count !== 'string') throw rejected('count must be a number');
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGE_COUNT) throw rejected(`count must be a whole number from 1 to ${MAX_IMAGE_COUNT}`);
  return n;
}

/**
 * The images of an answer, or why there are none: a prompt blocked by the safety filters
 * (`promptFeedback.blockReason`), a candidate stopped early (`finishReason` IMAGE_SAFETY …), or a
 * model that answered in words only. Interim "thought" images are drafts, not results.
 */
export function imagesOf(response: Json): { outputs: ProviderOutput[] } | { failed: string } {
  const candidates = Array.isArray(response.candidates) ? (response.candidates as Json[]) : [];
  const blockReason = (response.promptFeedback as Json | undefined)?.blockReason;
  if (candidates.length === 0) {
    return { failed: blockReason ? `gemini: the prompt was blocked (${String(blockReason)})` : 'gemini: the answer has no candidates' };
  }
  const outputs: ProviderOutput[] = [];
  const texts: string[] = [];
  for (const candidate of candidates) {
    const parts = ((candidate.content as Json | undefined)?.parts ?? []) as Json[];
    for (const part of Array.isArray(parts) ? parts : []) {
      if (part.thought === true) continue;
      const inline = (part.inlineData ?? part.inline_data) as Json | undefined;
      const contentType = inline?.mimeType ?? inline?.mime_type;
      if (typeof contentType === 'string' && contentType.startsWith('image/') && typeof inline?.data === 'string' && inline.data) {
        outputs.push({ data: Buffer.from(inline.data, 'base64'), contentType });
      } else if (typeof part.text === 'string') {
        texts.push(part.text);
      }
    }
  }
  if (outputs.length > 0) return { outputs };
  const finishReason = candidates.map((candidate) => candidate.finishReason).find((reason) => reason && reason !== 'STOP');
  if (finishReason) return { failed: `gemini: no image, generation stopped (${String(finishReason)})` };
  const said = texts.join(' ').trim().slice(0, 200);
  return { failed: said ? `gemini: the model answered without an image: "${said}"` : 'gemini: the model answered without an image' };
}

/**
 * What an error answer means: `key_rate_limited` (cool this key for `retryAfterSeconds`, or
 * undefined for the default), `key_day_quota` (cool it until the quota day ends), `key_refused`
 * (bad or unauthorized key: try another), or a ProviderError kind for the generation itself.
 */
export type GeminiFailureKind = 'key_rate_limited' | 'key_day_quota' | 'key_refused' | Exclude<ProviderErrorKind, 'rate_limited'>;

export function failureOf(
  status: number,
  body: Json | undefined,
  retryAfterHeader: string | null,
): { kind: GeminiFailureKind; message: string; retryAfterSeconds?: number } {
  const error = (body?.error ?? {}) as Json;
  const details = (Array.isArray(error.details) ? error.details : []) as Json[];
  const typed = (name: string) => details.filter((detail) => String(detail['@type'] ?? '').endsWith(`.${name}`));
  const message = `gemini: ${status}${typeof error.status === 'string' ? ` ${error.status}` : ''}: ${typeof error.message === 'string' ? error.message : 'no message'}`;

  if (status === 429) {
    const violations = typed('QuotaFailure').flatMap((detail) => (Array.isArray(detail.violations) ? (detail.violations as Json[]) : []));
    if (violations.some((violation) => /PerDay/i.test(String(violation.quotaId ?? '')))) return { kind: 'key_day_quota', message };
    const delay = typed('RetryInfo')
      .map((detail) => durationSeconds(detail.retryDelay))
      .find((seconds) => seconds !== undefined);
    return { kind: 'key_rate_limited', message, retryAfterSeconds: delay ?? retryAfterSeconds(retryAfterHeader) };
  }
  const refusedKey = typed('ErrorInfo').some((detail) => /^API_KEY_/.test(String(detail.reason ?? ''))) || /api key not valid/i.test(message);
  if (status === 401 || status === 403 || refusedKey) return { kind: 'key_refused', message };
  // Billing not set up, or a region the API does not serve: no other key or retry helps.
  if (error.status === 'FAILED_PRECONDITION') return { kind: 'unavailable', message };
  if (status === 408 || status >= 500) return { kind: 'transient', message };
  return { kind: 'rejected', message };
}

/** Google's JSON Duration: `"7s"`, `"0.5s"`. */
function durationSeconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Math.max(1, Math.ceil(Number(match[1]))) : undefined;
}

function rejected(reason: string): ProviderError {
  return new ProviderError('rejected', `gemini: ${reason}`);
}
