import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '@genbot/sandbox';
import { FakeTranscriber } from '../elevenlabs/speech-to-text';
import { FakeProviderServer } from '../fake-provider-server';
import { tinyPng } from '../wavespeed/tiny-png';

type Json = Record<string, unknown>;

/**
 * The ways the fake can be told to fail, as Gemini does: `http429` a per-minute quota with a
 * RetryInfo delay, `quota` the per-day quota, `rejected` a 400 INVALID_ARGUMENT, `safety_block`
 * a prompt blocked in `promptFeedback`, `image_safety` a candidate stopped with IMAGE_SAFETY.
 */
export type GeminiFailureKind = 'http429' | 'http500' | 'rejected' | 'quota' | 'safety_block' | 'image_safety';
/** Any other answer: a status and Google's `error` object (`code`, `message`, `status`, `details`). */
export interface GeminiCustomFailure {
  status: number;
  error: Json;
  headers?: Record<string, string>;
}

export interface GeminiCall {
  method: string;
  path: string;
  /** From `models/{model}:generateContent`. */
  model?: string;
  /** The key as sent, in the `x-goog-api-key` header or the `key` query parameter. */
  apiKey?: string;
  keyVia?: 'header' | 'query';
  body?: Json;
  status: number;
  at: Date;
}

export interface FakeGeminiOptions {
  /** Keys the fake accepts; any other answers 400 API_KEY_INVALID, as Google does. */
  apiKeys?: string[];
}

/** Seconds the `http429` answer asks to wait in its RetryInfo. */
export const FAKE_GEMINI_RETRY_DELAY_SECONDS = 7;
/** Google names the charset. */
const GOOGLE_JSON = { 'content-type': 'application/json; charset=UTF-8' };

/**
 * Gemini's REST API on loopback: `POST /v1beta/models/{model}:generateContent` with a key in
 * `x-goog-api-key` (or `?key=`). Requests are read in either JSON spelling (`inline_data` /
 * `inlineData`); answers use the camelCase Google sends. With IMAGE among
 * `generationConfig.responseModalities` the model part carries a real 2x2 PNG as `inlineData`;
 * without it the answer is text only: the transcript `speech` hears when an audio part came (audio
 * understanding), a fixed sentence otherwise. Nothing of the request is echoed back.
 */
export class FakeGemini extends FakeProviderServer<GeminiCall, GeminiFailureKind | GeminiCustomFailure, string> {
  readonly apiKeys: string[];
  /** The bytes of every generated image. */
  readonly png = tinyPng([32, 160, 96]);
  /** What a text answer to an audio part says: the transcript of the next clips (audio understanding). */
  readonly speech = new FakeTranscriber();

  private constructor(opts: FakeGeminiOptions) {
    super();
    this.apiKeys = opts.apiKeys ?? ['AIzaFakeGeminiKey-0000000000000000000000', 'AIzaFakeGeminiKey-1111111111111111111111'];
  }

  static async start(opts: FakeGeminiOptions = {}): Promise<FakeGemini> {
    const fake = new FakeGemini(opts);
    await fake.listen();
    return fake;
  }

  /** What `GEMINI_API_KEYS` takes. */
  get apiKeysCsv(): string {
    return this.apiKeys.join(',');
  }

  override reset(): void {
    super.reset();
    this.speech.reset();
  }

  lastCall(): GeminiCall | undefined {
    return this.recorded.at(-1);
  }

  /** The next `times` generate calls (only those made with `key`, when given) answer with `failure`. */
  failNext(failure: GeminiFailureKind | GeminiCustomFailure, { key, times = 1 }: { key?: string; times?: number } = {}): void {
    this.injectFailure(failure, (apiKey) => !key || key === apiKey, times);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override internalError(res: ServerResponse): void {
    sendJson(res, 500, googleError(500, 'INTERNAL', 'Internal error encountered.'), GOOGLE_JSON);
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const raw = await readBody(req);
    const route = /^\/v1beta\/models\/([\w.-]+):generateContent$/.exec(path);
    const headerKey = header(req, 'x-goog-api-key');
    const apiKey = headerKey ?? url.searchParams.get('key') ?? undefined;
    const call: Omit<GeminiCall, 'status'> = {
      method,
      path,
      model: route?.[1],
      apiKey,
      keyVia: headerKey ? 'header' : apiKey ? 'query' : undefined,
      at: new Date(),
    };
    if (method !== 'POST' || !route) {
      return this.answer(res, call, 404, googleError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`));
    }
    if (!apiKey) {
      return this.answer(
        res,
        call,
        403,
        googleError(
          403,
          'PERMISSION_DENIED',
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        ),
      );
    }
    if (!this.apiKeys.includes(apiKey)) {
      return this.answer(
        res,
        call,
        400,
        googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ]),
      );
    }
    let body: Json;
    try {
      body = JSON.parse(raw.toString('utf8')) as Json;
    } catch {
      return this.answer(res, call, 400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    }
    const withBody = { ...call, body };
    const injected = this.takeFailure(apiKey);
    if (injected) {
      const { status, json, headers } = failureAnswer(injected, route[1]);
      return this.answer(res, withBody, status, json, headers);
    }
    const invalid = validate(body);
    if (invalid) return this.answer(res, withBody, 400, googleError(400, 'INVALID_ARGUMENT', invalid));
    const modalities = (body.generationConfig as Json | undefined)?.responseModalities ?? (body.generation_config as Json | undefined)?.response_modalities;
    const wantsImage = Array.isArray(modalities) && modalities.some((m) => String(m).toUpperCase() === 'IMAGE');
    const audio = audioTypeOf(body);
    if (audio && !AUDIO_TYPES.includes(audio)) {
      return this.answer(res, withBody, 400, googleError(400, 'INVALID_ARGUMENT', `Unsupported MIME type: ${audio}`));
    }
    const parts: Json[] = wantsImage
      ? [{ text: 'Here is the image you asked for.' }, { inlineData: { mimeType: 'image/png', data: this.png.toString('base64') } }]
      : audio
        ? [{ text: this.speech.next() }]
        : [{ text: 'I can only describe it in words here.' }];
    this.answer(res, withBody, 200, {
      candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: wantsImage ? 1290 : 9, totalTokenCount: wantsImage ? 1302 : 21 },
      modelVersion: route[1],
      responseId: randomBytes(12).toString('base64url'),
    });
  }

  private answer(res: ServerResponse, call: Omit<GeminiCall, 'status'>, status: number, body: Json, headers: Record<string, string> = {}): void {
    this.recorded.push({ ...call, status });
    sendJson(res, status, body, { ...GOOGLE_JSON, ...headers });
  }
}

/** Audio Gemini understands inline. */
const AUDIO_TYPES = ['audio/wav', 'audio/mp3', 'audio/mpeg', 'audio/aiff', 'audio/aac', 'audio/ogg', 'audio/flac'];

/** The type of the first audio part of a request, if it has one. */
function audioTypeOf(body: Json): string | undefined {
  for (const content of body.contents as Json[]) {
    for (const part of content.parts as Json[]) {
      const inline = (part.inline_data ?? part.inlineData) as Json | undefined;
      const type = String(inline?.mime_type ?? inline?.mimeType ?? '');
      if (type.startsWith('audio/')) return type;
    }
  }
  return undefined;
}

/** The request checks Google makes that matter here: contents with parts, inline data with a type and base64. */
function validate(body: Json): string | undefined {
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  for (const content of contents as Json[]) {
    const parts = content?.parts;
    if (!Array.isArray(parts) || parts.length === 0) return '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.';
    for (const part of parts as Json[]) {
      const inline = (part.inline_data ?? part.inlineData) as Json | undefined;
      if (inline) {
        const mimeType = inline.mime_type ?? inline.mimeType;
        if (typeof mimeType !== 'string' || !mimeType) return '* GenerateContentRequest.contents[0].parts[1].inline_data.mime_type: mime_type is required.';
        if (typeof inline.data !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(inline.data))
          return "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed";
      } else if (typeof part.text !== 'string') {
        return '* GenerateContentRequest.contents[0].parts: a part must carry text or inline_data';
      }
    }
  }
  return undefined;
}

function failureAnswer(failure: GeminiFailureKind | GeminiCustomFailure, model: string): { status: number; json: Json; headers?: Record<string, string> } {
  if (typeof failure !== 'string') return { status: failure.status, json: { error: failure.error }, headers: failure.headers };
  const quota = (quotaId: string, limit: string): Json => ({
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId,
        quotaDimensions: { location: 'global', model },
        quotaValue: limit,
      },
    ],
  });
  const help = {
    '@type': 'type.googleapis.com/google.rpc.Help',
    links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
  };
  const exceeded =
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';
  switch (failure) {
    case 'http429':
      return {
        status: 429,
        json: googleError(429, 'RESOURCE_EXHAUSTED', exceeded, [
          quota('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '10'),
          help,
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${FAKE_GEMINI_RETRY_DELAY_SECONDS}s` },
        ]),
      };
    case 'quota':
      return {
        status: 429,
        json: googleError(429, 'RESOURCE_EXHAUSTED', exceeded, [quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '1500'), help]),
      };
    case 'http500':
      return {
        status: 500,
        json: googleError(
          500,
          'INTERNAL',
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        ),
      };
    case 'rejected':
      return { status: 400, json: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') };
    case 'safety_block':
      return {
        status: 200,
        json: {
          promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] },
          usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
          modelVersion: model,
        },
      };
    case 'image_safety':
      return {
        status: 200,
        json: { candidates: [{ finishReason: 'IMAGE_SAFETY', index: 0 }], usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 }, modelVersion: model },
      };
  }
}

function googleError(code: number, status: string, message: string, details?: Json[]): Json {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
