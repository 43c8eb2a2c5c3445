import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { GenerationProvider, ProviderError, ProviderInput, ProviderOutput, ProviderStatus, SubmitResult } from '../../../application/ports/generation-provider';
import { callProvider, Json, ProviderAnswer } from '../provider-http';
import { GeminiKeyPool } from './gemini-key-pool';
import { failureOf, imageCount, imagesOf, requestBody } from './gemini-protocol';

/** Image models answer in 10-60 s; the answer comes only when the image is done. */
const GENERATE_TIMEOUT_MS = 120_000;
/** A key Google refused stays out of rotation this long, so a fixed GEMINI_API_KEYS is picked up soon. */
const REFUSED_KEY_COOL_SECONDS = 600;
const DEFAULT_COOL_SECONDS = 60;

/**
 * Gemini image generation: `POST /v1beta/models/{model}:generateContent` with the key in
 * `x-goog-api-key` answers the images inline as base64, so the work is done inside `submit`.
 * Keys come from GeminiKeyPool; a key that answers 429 is cooled and the run moves on to the
 * next key. `options.count` makes that many runs, one after another (seed 003 sent back several
 * images for one drawing). Gemini takes no idempotency key.
 */
@Injectable()
export class GeminiAdapter extends GenerationProvider {
  readonly name = 'gemini';
  readonly takes = 'bytes' as const;
  private readonly logger = new Logger(GeminiAdapter.name);

  constructor(
    private readonly config: AppConfig,
    private readonly pool: GeminiKeyPool,
  ) {
    super();
  }

  isConfigured(): boolean {
    return this.config.env.GEMINI_API_KEYS.length > 0;
  }

  async submit(input: ProviderInput, idempotencyKey: string): Promise<SubmitResult> {
    if (!this.isConfigured()) throw new ProviderError('unavailable', 'gemini: GEMINI_API_KEYS is empty');
    const body = requestBody(input);
    const count = imageCount(input);
    const outputs: ProviderOutput[] = [];
    for (let run = 0; run < count; run++) {
      let result;
      try {
        result = imagesOf(await this.generate(input.providerModel, body));
      } catch (error) {
        // Images already made are paid for in quota: keep them rather than start over.
        if (outputs.length === 0) throw error;
        this.logger.warn(`generation ${idempotencyKey}: run ${run + 1} of ${count} failed, returning ${outputs.length} image(s): ${String(error)}`);
        break;
      }
      if ('failed' in result) {
        // A blocked prompt will be blocked again; later runs would only spend quota.
        if (outputs.length === 0) return { externalId: randomUUID(), status: { state: 'failed', reason: result.failed } };
        break;
      }
      outputs.push(...result.outputs);
    }
    return { externalId: randomUUID(), status: { state: 'succeeded', outputs } };
  }

  async poll(externalId: string, _providerModel: string): Promise<ProviderStatus> {
    return { state: 'failed', reason: `gemini: ${externalId} cannot be polled; images are returned by submit only` };
  }

  /**
   * One generateContent call, trying keys until one answers: each attempt takes quota from the
   * pool (which throws rate_limited once every key is spent or cooling); a 429 cools that key, a
   * refused key is set aside. Any other failure ends the call.
   */
  private async generate(model: string, body: Json): Promise<Json> {
    if (!/^[\w.-]+$/.test(model)) throw new ProviderError('rejected', `gemini: "${model}" is not a model name`);
    let refused: ProviderError | undefined;
    const retryAfters: number[] = [];
    for (let attempt = 0; attempt < this.pool.size; attempt++) {
      const lease = await this.pool.acquire();
      const answer = await this.post(model, body, lease.key);
      if (answer.status === 200) return answer.json ?? {};
      const failure = failureOf(answer.status, answer.json, answer.retryAfter);
      const log = `key #${lease.index}: ${failure.message}`;
      switch (failure.kind) {
        case 'key_rate_limited':
        case 'key_day_quota': {
          const seconds = failure.kind === 'key_day_quota' ? this.pool.secondsUntilDayReset() : (failure.retryAfterSeconds ?? DEFAULT_COOL_SECONDS);
          await this.pool.cool(lease.index, seconds, 'rate_limited');
          retryAfters.push(seconds);
          this.logger.warn(`${log}; cooling it for ${seconds} s`);
          continue;
        }
        case 'key_refused':
          await this.pool.cool(lease.index, REFUSED_KEY_COOL_SECONDS, 'unauthorized');
          refused = new ProviderError('unavailable', failure.message);
          this.logger.error(`${log}; setting it aside for ${REFUSED_KEY_COOL_SECONDS} s`);
          continue;
        default:
          throw new ProviderError(failure.kind, failure.message);
      }
    }
    if (retryAfters.length > 0) {
      const soonest = Math.min(...retryAfters);
      throw new ProviderError('rate_limited', `gemini: every key answered 429; the soonest frees up in ${soonest} s`, soonest);
    }
    throw refused ?? new ProviderError('unavailable', 'gemini: no key could be used');
  }

  private async post(model: string, body: Json, key: string): Promise<ProviderAnswer> {
    const path = `/v1beta/models/${model}:generateContent`;
    const what = `gemini: POST ${path}`;
    const answer = await callProvider({
      url: `${this.config.env.GEMINI_BASE_URL.replace(/\/+$/, '')}${path}`,
      method: 'POST',
      headers: { 'x-goog-api-key': key, accept: 'application/json' },
      body,
      timeoutMs: GENERATE_TIMEOUT_MS,
      what,
    });
    if (answer.status === 200 && !answer.json)
      throw new ProviderError('transient', `${what} failed: answered 200 with a body that is not JSON: ${answer.text.slice(0, 100)}`);
    return answer;
  }
}
