import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '@genbot/sandbox';
import { FakeProviderServer } from '../fake-provider-server';
import { tinyPng } from './tiny-png';

type Json = Record<string, unknown>;

/** The ways the fake can be told to fail, as Wavespeed does. */
export type WavespeedFailureKind = 'http429' | 'http500' | 'rejected' | 'job_failed' | 'insufficient_balance';
/** Any other answer: a status, the envelope's message and optional headers. */
export interface WavespeedCustomFailure {
  status: number;
  message: string;
  headers?: Record<string, string>;
}
/** Which call an injected failure answers; `job_failed` always applies to the next submitted job. */
export type WavespeedCallKind = 'submit' | 'poll' | 'balance' | 'output';

export interface WavespeedCall {
  kind: WavespeedCallKind;
  method: string;
  path: string;
  authorization?: string;
  body?: Json;
  status: number;
  at: Date;
}

export interface FakeWavespeedOptions {
  apiKey?: string;
  /** USD on the account; at zero or below every submit answers "insufficient balance". */
  balance?: number;
}

interface Prediction {
  id: string;
  model: string;
  input: Json;
  polls: number;
  completeAfter: number;
  fails: boolean;
  createdAt: string;
}

/**
 * Wavespeed's v3 API on loopback: `POST /api/v3/{model}` submits, `GET /api/v3/predictions/{id}/result`
 * polls (created → processing → completed | failed), `GET /api/v3/balance` reports USD. Every API call
 * needs `Authorization: Bearer <apiKey>`. Outputs are URLs on the fake itself serving a real PNG.
 */
export class FakeWavespeed extends FakeProviderServer<WavespeedCall, WavespeedFailureKind | WavespeedCustomFailure, WavespeedCallKind> {
  readonly apiKey: string;
  /** The bytes every output URL serves. */
  readonly png = tinyPng();

  private balanceUsd: number;
  private pollsToComplete = 1;
  private failNextJob = 0;
  private readonly predictions = new Map<string, Prediction>();

  private constructor(opts: FakeWavespeedOptions) {
    super();
    this.apiKey = opts.apiKey ?? 'wavespeed-test-key-0123456789';
    this.balanceUsd = opts.balance ?? 100;
  }

  static async start(opts: FakeWavespeedOptions = {}): Promise<FakeWavespeed> {
    const fake = new FakeWavespeed(opts);
    await fake.listen();
    return fake;
  }

  get balance(): number {
    return this.balanceUsd;
  }

  lastSubmit(): WavespeedCall | undefined {
    return this.calls('submit').at(-1);
  }

  /** Jobs submitted from now on report `completed` on their n-th poll (default 1), `processing` before. */
  completeAfterPolls(n: number): void {
    this.pollsToComplete = Math.max(1, n);
  }

  /**
   * The next `times` calls of kind `on` (default `submit`) answer with `failure`; `job_failed` makes the
   * next submitted job end as `failed` instead of `completed`.
   */
  failNext(failure: WavespeedFailureKind | WavespeedCustomFailure, { on = 'submit', times = 1 }: { on?: WavespeedCallKind; times?: number } = {}): void {
    if (failure === 'job_failed') this.failNextJob += times;
    else this.injectFailure(failure, (kind) => kind === on, times);
  }

  /**
   * Drops jobs as if Wavespeed had lost them: their polls answer 404 "prediction not found" from
   * now on. All jobs, or those `which` picks; returns how many were dropped.
   */
  forget(which: (job: { id: string; polls: number }) => boolean = () => true): number {
    let dropped = 0;
    for (const prediction of [...this.predictions.values()]) {
      if (!which(prediction)) continue;
      this.predictions.delete(prediction.id);
      dropped += 1;
    }
    return dropped;
  }

  setBalance(usd: number): void {
    this.balanceUsd = usd;
  }

  /** Forgets calls, injected failures and jobs; the balance and poll count go back to their defaults. */
  override reset(): void {
    super.reset();
    this.failNextJob = 0;
    this.pollsToComplete = 1;
    this.balanceUsd = 100;
    this.predictions.clear();
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override internalError(res: ServerResponse): void {
    sendJson(res, 500, envelope(500, 'internal error'));
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const raw = await readBody(req);
    const output = /^\/outputs\/([\w-]+)\.png$/.exec(path);
    if (method === 'GET' && output) {
      // Output URLs are public CDN links: no Authorization.
      this.record({ kind: 'output', method, path, status: 200, at: new Date() });
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': this.png.length });
      res.end(this.png);
      return;
    }
    const kind = classify(method, path);
    if (!kind) return sendJson(res, 404, envelope(404, 'not found'));
    const authorization = req.headers.authorization;
    let body: Json | undefined;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : undefined;
    } catch {
      return this.answer(res, { kind, method, path, authorization, at: new Date() }, 400, envelope(400, 'invalid JSON body'));
    }
    const call = { kind, method, path, authorization, body, at: new Date() };
    if (authorization !== `Bearer ${this.apiKey}`) return this.answer(res, call, 401, envelope(401, 'Invalid authentication, please check your API key'));
    const injected = this.takeFailure(kind);
    if (injected) {
      const { status, message, headers } = failureAnswer(injected);
      return this.answer(res, call, status, envelope(status, message), headers);
    }
    if (kind === 'balance') return this.answer(res, call, 200, envelope(200, 'success', { balance: this.balanceUsd, currency: 'USD' }));
    if (kind === 'submit') return this.submit(res, call, path.slice('/api/v3/'.length), body ?? {});
    const id = decodeURIComponent(path.split('/')[4] ?? '');
    const prediction = this.predictions.get(id);
    if (!prediction) return this.answer(res, call, 404, envelope(404, 'prediction not found'));
    prediction.polls += 1;
    this.answer(res, call, 200, envelope(200, 'success', this.view(prediction)));
  }

  private submit(res: ServerResponse, call: Omit<WavespeedCall, 'status'>, model: string, input: Json): void {
    if (this.balanceUsd <= 0) return this.answer(res, call, 402, envelope(402, 'Insufficient balance, please top up your account'));
    if (typeof input.prompt !== 'string' && !input.image && !input.images) return this.answer(res, call, 400, envelope(400, 'prompt is required'));
    const fails = this.failNextJob > 0;
    if (fails) this.failNextJob -= 1;
    const prediction: Prediction = {
      id: randomUUID().replace(/-/g, ''),
      model,
      input,
      polls: 0,
      completeAfter: this.pollsToComplete,
      fails,
      createdAt: new Date().toISOString(),
    };
    this.predictions.set(prediction.id, prediction);
    this.answer(res, call, 200, envelope(200, 'success', this.view(prediction)));
  }

  private view(prediction: Prediction): Json {
    const done = prediction.polls >= prediction.completeAfter;
    const status = prediction.polls === 0 ? 'created' : !done ? 'processing' : prediction.fails ? 'failed' : 'completed';
    const outputs = status === 'completed' ? [`${this.baseUrl}/outputs/${prediction.id}.png`] : [];
    return {
      id: prediction.id,
      model: prediction.model,
      status,
      outputs,
      urls: { get: `${this.baseUrl}/api/v3/predictions/${prediction.id}/result` },
      has_nsfw_contents: outputs.map(() => false),
      error: status === 'failed' ? 'The task execution failed.' : '',
      timings: { inference: status === 'completed' ? 1200 : 0 },
      created_at: prediction.createdAt,
    };
  }

  private answer(res: ServerResponse, call: Omit<WavespeedCall, 'status'>, status: number, body: Json, headers: Record<string, string> = {}): void {
    this.recorded.push({ ...call, status });
    sendJson(res, status, body, headers);
  }

  private record(call: WavespeedCall): void {
    this.recorded.push(call);
  }
}

function classify(method: string, path: string): WavespeedCallKind | undefined {
  if (method === 'GET' && (path === '/api/v3/balance' || path === '/api/v3/account/balance')) return 'balance';
  if (method === 'GET' && /^\/api\/v3\/predictions\/[^/]+(\/result)?$/.test(path)) return 'poll';
  if (method === 'POST' && /^\/api\/v3\/[\w.-]+(\/[\w.-]+)*$/.test(path) && !path.startsWith('/api/v3/predictions')) return 'submit';
  return undefined;
}

function failureAnswer(failure: WavespeedFailureKind | WavespeedCustomFailure): WavespeedCustomFailure {
  if (typeof failure !== 'string') return failure;
  switch (failure) {
    case 'http429':
      return { status: 429, message: 'Too many requests, please slow down', headers: { 'retry-after': '7' } };
    case 'http500':
      return { status: 500, message: 'Internal server error' };
    case 'rejected':
      return { status: 400, message: 'Invalid parameter: size must be between 1024*1024 and 4096*4096' };
    case 'insufficient_balance':
      return { status: 402, message: 'Insufficient balance, please top up your account' };
    case 'job_failed':
      throw new Error('job_failed is not an HTTP answer');
  }
}

const envelope = (code: number, message: string, data: unknown = null): Json => ({ code, message, data });
