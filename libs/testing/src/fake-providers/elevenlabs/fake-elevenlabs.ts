import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '@genbot/sandbox';
import { FakeProviderServer } from '../fake-provider-server';
import { FAKE_VOICES, FakeElevenLabsVoice } from './fake-voices';
import { mp3FormatOf, silentMp3 } from './silent-mp3';
import { FakeTranscriber, transcribe } from './speech-to-text';

type Json = Record<string, unknown>;

/** The ways the fake can be told to fail, as ElevenLabs does. */
export type ElevenLabsFailureKind = 'http429' | 'http500' | 'rejected' | 'quota';
/** Any other answer: a status, the `detail` ElevenLabs puts in every error body, optional headers. */
export interface ElevenLabsCustomFailure {
  status: number;
  detail: unknown;
  headers?: Record<string, string>;
}
export type ElevenLabsCallKind = 'tts' | 'voices' | 'preview' | 'stt';

export interface ElevenLabsCall {
  kind: ElevenLabsCallKind;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The `xi-api-key` header as sent. */
  apiKey?: string;
  body?: Json;
  /** `stt`: the multipart fields, and the `file` part as received. */
  fields?: Record<string, string>;
  file?: { filename: string; contentType?: string; data: Buffer };
  status: number;
  at: Date;
}

export interface FakeElevenLabsOptions {
  apiKey?: string;
}

/** Per-request character limit of the multilingual v2 model; flash and turbo models take more. */
const MAX_CHARACTERS = 10_000;
const OUTPUT_FORMATS = ['mp3_22050_32', 'mp3_24000_48', 'mp3_44100_32', 'mp3_44100_64', 'mp3_44100_96', 'mp3_44100_128', 'mp3_44100_192'];

/**
 * ElevenLabs on loopback: `POST /v1/text-to-speech/{voice_id}?output_format=…` answers MP3 bytes,
 * `GET /v1/voices` the voice list, and each voice's `preview_url` serves a sample. API calls need
 * the `xi-api-key` header; errors carry `{ detail: { type, code, status, message, request_id } }`
 * (`status` being the legacy twin of `code` that older clients still read). The fake speaks MP3
 * only; other `output_format` codecs answer 400. `POST /v1/speech-to-text` (multipart `file` +
 * `model_id`) answers the transcript `speech` is set to hear.
 */
export class FakeElevenLabs extends FakeProviderServer<ElevenLabsCall, ElevenLabsFailureKind | ElevenLabsCustomFailure, ElevenLabsCallKind> {
  readonly apiKey: string;
  readonly voices: FakeElevenLabsVoice[] = FAKE_VOICES.map((voice) => ({ ...voice, labels: { ...voice.labels } }));
  /** What `POST /v1/speech-to-text` hears in the next clips; see FakeTranscriber. */
  readonly speech = new FakeTranscriber();

  private constructor(opts: FakeElevenLabsOptions) {
    super();
    this.apiKey = opts.apiKey ?? 'sk_elevenlabs_test_0123456789abcdef';
  }

  static async start(opts: FakeElevenLabsOptions = {}): Promise<FakeElevenLabs> {
    const fake = new FakeElevenLabs(opts);
    await fake.listen();
    return fake;
  }

  override reset(): void {
    super.reset();
    this.speech.reset();
  }

  lastTts(): ElevenLabsCall | undefined {
    return this.calls('tts').at(-1);
  }

  /** The next `times` calls of kind `on` (default `tts`) answer with `failure`. */
  failNext(failure: ElevenLabsFailureKind | ElevenLabsCustomFailure, { on = 'tts', times = 1 }: { on?: ElevenLabsCallKind; times?: number } = {}): void {
    this.injectFailure(failure, (kind) => kind === on, times);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override internalError(res: ServerResponse): void {
    sendJson(res, 500, { detail: { status: 'internal_error', message: 'internal error' } });
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    const preview = /^\/previews\/([\w-]+)\.mp3$/.exec(path);
    if (method === 'GET' && preview) {
      // Preview URLs are public CDN links: no key.
      this.recorded.push({ kind: 'preview', method, path, query, status: 200, at: new Date() });
      return sendAudio(res, silentMp3({ frames: 10 }));
    }
    if (method === 'POST' && path === '/v1/speech-to-text') {
      const apiKey = header(req, 'xi-api-key');
      const call = { kind: 'stt' as const, method, path, query, apiKey, at: new Date() };
      if (apiKey !== this.apiKey) return this.answer(res, call, 401, detail('authentication_error', 'invalid_api_key', 'Invalid API key'));
      const injected = this.takeFailure('stt');
      if (injected) {
        const { status, detail: answer, headers } = failureAnswer(injected);
        return this.answer(res, call, status, { detail: answer }, headers);
      }
      const heard = transcribe(this.speech, header(req, 'content-type') ?? '', raw);
      return this.answer(res, { ...call, fields: heard.fields, file: heard.file }, heard.status, heard.body);
    }
    const tts = /^\/v1\/text-to-speech\/([^/]+)$/.exec(path);
    const kind: ElevenLabsCallKind | undefined = method === 'POST' && tts ? 'tts' : method === 'GET' && path === '/v1/voices' ? 'voices' : undefined;
    if (!kind) return sendJson(res, 404, { detail: 'Not Found' });
    const apiKey = header(req, 'xi-api-key');
    let body: Json | undefined;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : undefined;
    } catch {
      return this.answer(
        res,
        { kind, method, path, query, apiKey, at: new Date() },
        400,
        detail('validation_error', 'invalid_json', 'The request body is not valid JSON'),
      );
    }
    const call = { kind, method, path, query, apiKey, body, at: new Date() };
    if (apiKey !== this.apiKey) {
      const [code, message] = apiKey ? ['invalid_api_key', 'Invalid API key'] : ['missing_api_key', 'Missing API key'];
      return this.answer(res, call, 401, detail('authentication_error', code, message));
    }
    const injected = this.takeFailure(kind);
    if (injected) {
      const { status, detail: answer, headers } = failureAnswer(injected);
      return this.answer(res, call, status, { detail: answer }, headers);
    }
    if (kind === 'voices') {
      const voices = this.voices.map((voice) => ({
        ...voice,
        preview_url: `${this.baseUrl}/previews/${voice.voice_id}.mp3`,
        available_for_tiers: [],
        settings: null,
      }));
      return this.answer(res, call, 200, { voices });
    }
    this.speak(res, call, decodeURIComponent(tts![1]), body);
  }

  private speak(res: ServerResponse, call: Omit<ElevenLabsCall, 'status'>, voiceId: string, body: Json | undefined): void {
    const text = body?.text;
    if (typeof text !== 'string') {
      return this.answer(res, call, 422, { detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: body ?? null }] });
    }
    if (!this.voices.some((voice) => voice.voice_id === voiceId)) {
      return this.answer(res, call, 400, detail('validation_error', 'voice_not_found', `A voice with the voice_id ${voiceId} was not found.`));
    }
    const modelId = body?.model_id ?? 'eleven_multilingual_v2';
    if (typeof modelId !== 'string' || !modelId.startsWith('eleven_')) {
      return this.answer(res, call, 400, detail('validation_error', 'model_not_found', `A model with model ID ${String(modelId)} does not exist.`));
    }
    if (text.length > MAX_CHARACTERS) {
      return this.answer(
        res,
        call,
        400,
        detail(
          'validation_error',
          'max_character_limit_exceeded',
          `This request's text has ${text.length} characters and exceeds the character limit of ${MAX_CHARACTERS} characters.`,
        ),
      );
    }
    const outputFormat = call.query.output_format ?? 'mp3_44100_128';
    const mp3 = OUTPUT_FORMATS.includes(outputFormat) ? mp3FormatOf(outputFormat) : undefined;
    if (!mp3) return this.answer(res, call, 400, detail('validation_error', 'invalid_parameters', `The fake serves MP3 only, not ${outputFormat}`));
    this.recorded.push({ ...call, status: 200 });
    sendAudio(res, silentMp3({ ...mp3, frames: Math.min(200, 10 + text.length) }));
  }

  private answer(res: ServerResponse, call: Omit<ElevenLabsCall, 'status'>, status: number, body: Json, headers: Record<string, string> = {}): void {
    this.recorded.push({ ...call, status });
    sendJson(res, status, body, headers);
  }
}

function failureAnswer(failure: ElevenLabsFailureKind | ElevenLabsCustomFailure): ElevenLabsCustomFailure {
  if (typeof failure !== 'string') return failure;
  switch (failure) {
    case 'http429':
      return {
        status: 429,
        detail: detail('rate_limit_error', 'concurrent_limit_exceeded', 'Too many concurrent requests for your subscription.').detail,
        headers: { 'retry-after': '3' },
      };
    case 'http500':
      return { status: 500, detail: detail('internal_error', 'internal_error', 'An internal server error occurred.').detail };
    case 'rejected':
      return {
        status: 422,
        detail: [{ type: 'less_than_equal', loc: ['body', 'voice_settings', 'stability'], msg: 'Input should be less than or equal to 1', input: 7 }],
      };
    case 'quota':
      return {
        status: 401,
        detail: detail(
          'authentication_error',
          'quota_exceeded',
          'This request exceeds your quota of 10000. You have 12 credits remaining, while 91 credits are required for this request.',
        ).detail,
      };
  }
}

function detail(type: string, code: string, message: string): { detail: Json } {
  return { detail: { type, code, status: code, message, request_id: randomBytes(16).toString('hex') } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendAudio(res: ServerResponse, audio: Buffer): void {
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': audio.length, 'request-id': randomBytes(16).toString('hex') });
  res.end(audio);
}
