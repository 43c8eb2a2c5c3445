import { DomainError } from '@genbot/core';
import type { Generation, GenerationInput, GenerationSource } from '../domain/generation';
import { requestFingerprint } from '../domain/request-fingerprint';

/**
 * An input as a caller gives it. A `url` is fetched at submit (the worker never fetches client
 * URLs); `field` names it in a refusal (`image_urls[1]`, `input[0].url`).
 */
export type SubmitInputItem = GenerationInput & { field?: string };

export interface SubmitInput {
  userId: string;
  model: string;
  mode?: string;
  prompt?: string | null;
  options?: Record<string, unknown>;
  inputs?: SubmitInputItem[];
  source: GenerationSource;
  /**
   * Scoped by the caller already (`scopedIdempotencyKey`). A repeat of the same request returns
   * the first generation; the same key with any other parameter is IDEMPOTENCY_KEY_REUSED (409).
   */
  idempotencyKey?: string;
  chatId?: string | null;
  messageId?: number | null;
  promptMessageId?: number | null;
  language?: 'uz' | 'ru' | 'en' | null;
  serviceType?: string | null;
  description?: string | null;
  /** Seed 001: when credits are short, park the job as `waiting_payment` instead of refusing. */
  waitForPayment?: boolean;
  meta?: Record<string, unknown>;
}

/** Everything the client asked for, as it asked (see requestFingerprint). */
export function fingerprintOf(input: SubmitInput): string {
  return requestFingerprint({
    userId: input.userId,
    source: input.source,
    model: input.model,
    mode: input.mode,
    prompt: input.prompt?.trim() || null,
    options: input.options ?? {},
    inputs: (input.inputs ?? []).map((i) => ({ type: i.type, url: i.url, dataId: i.dataId })),
    chatId: input.chatId ?? null,
    messageId: input.messageId ?? null,
    promptMessageId: input.promptMessageId ?? null,
    language: input.language ?? null,
    serviceType: input.serviceType ?? null,
    description: input.description ?? null,
    waitForPayment: input.waitForPayment === true,
  });
}

export function sameRequestOrConflict(earlier: Generation, fingerprint: string, prompt: string | null): Generation {
  const stored = earlier.meta?.requestFingerprint;
  // Generations recorded before fingerprints existed carry none: for them the prompt must match.
  const same = typeof stored === 'string' ? stored === fingerprint : (earlier.prompt ?? null) === prompt;
  if (!same) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request', { generationId: earlier.id });
  }
  return earlier;
}
