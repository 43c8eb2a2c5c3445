import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '@genbot/sandbox';
import { FakeProviderServer } from '../fake-provider-server';
import { tinyPng } from '../wavespeed/tiny-png';

type Json = Record<string, unknown>;

/** The ways the fake can be told to fail, as fal does. */
export type FalFailureKind = 'http429' | 'http500' | 'rejected' | 'job_failed' | 'insufficient_balance';
/** Any other answer: a status, fal's `detail` (a string or a list of error objects) and optional headers. */
export interface FalCustomFailure {
  status: number;
  detail: unknown;
  headers?: Record<string, string>;
}
/** Which call an injected failure answers; `job_failed` always applies to the next submitted request. */
export type FalCallKind = 'submit' | 'status' | 'result' | 'cancel' | 'billing' | 'output';
/** The shape of the next results: `{ images: [...] }`, `{ video: {...} }` or `{ audio: {...} }`. */
export type FalOutputKind = 'images' | 'video' | 'audio';

export interface FalCall {
  kind: FalCallKind;
  method: string;
  path: string;
  authorization?: string;
  body?: Json;
  status: number;
  at: Date;
}

export interface FakeFalOptions {
  apiKey?: string;
  /** USD on the account; at zero or below the account is locked and every submit answers 403. */
  balance?: number;
}

interface QueuedRequest {
  id: string;
  endpoint: string;
  appId: string;
  input: Json;
  polls: number;
  completeAfter: number;
  fails: boolean;
  output: FalOutputKind;
}

const LOCKED = 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.';
const FLAGGED = 'The content was flagged by a content checker.';
const NAMESPACES = ['workflows', 'comfy'];
/** An `ftyp` box (major brand isom, compatible isom and mp41) and an empty `mdat`. */
const MP4_PLACEHOLDER = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41', 'latin1'),
  Buffer.from([0, 0, 0, 8]),
  Buffer.from('mdat', 'latin1'),
]);

/**
 * fal's queue API on loopback: `POST /{owner}/{app}[/{path}]` enqueues, `GET /{owner}/{app}/requests/{id}/status`
 * reports IN_QUEUE → IN_PROGRESS → COMPLETED (202 until done, then 200), `GET /{owner}/{app}/requests/{id}`
 * returns the model output. As at fal, status and result take the app id only: a URL that repeats the
 * endpoint path answers 404. Every API call needs `Authorization: Key <apiKey>`; outputs are URLs on the
 * fake itself (images are a real PNG).
 */
export class FakeFal extends FakeProviderServer<FalCall, FalFailureKind | FalCustomFailure, FalCallKind> {
  readonly apiKey: string;
  /** The bytes every image output URL serves. */
  readonly png = tinyPng([0, 128, 255]);

  private balanceUsd: number;
  private pollsToComplete = 1;
  private outputKind: FalOutputKind = 'images';
  private failNextJob = 0;
  private readonly requests = new Map<string, QueuedRequest>();

  private constructor(opts: FakeFalOptions) {
    super();
    this.apiKey = opts.apiKey ?? 'fal-test-key-id:fal-test-key-secret-0123456789';
    this.balanceUsd = opts.balance ?? 100;
  }

  static async start(opts: FakeFalOptions = {}): Promise<FakeFal> {
    const fake = new FakeFal(opts);
    await fake.listen();
    return fake;
  }

  get balance(): number {
    return this.balanceUsd;
  }

  lastSubmit(): FalCall | undefined {
    return this.calls('submit').at(-1);
  }

  /** Requests submitted from now on report COMPLETED on their n-th status poll (default 1). */
  completeAfterPolls(n: number): void {
    this.pollsToComplete = Math.max(1, n);
  }

  /** Requests submitted from now on return this output shape (default `images`). */
  setOutputKind(kind: FalOutputKind): void {
    this.outputKind = kind;
  }

  /**
   * The next `times` calls of kind `on` (default `submit`) answer with `failure`; `job_failed` makes the
   * next submitted request complete with an error (status carries `error`, the result answers 422).
   */
  failNext(failure: FalFailureKind | FalCustomFailure, { on = 'submit', times = 1 }: { on?: FalCallKind; times?: number } = {}): void {
    if (failure === 'job_failed') this.failNextJob += times;
    else this.injectFailure(failure, (kind) => kind === on, times);
  }

  setBalance(usd: number): void {
    this.balanceUsd = usd;
  }

  /** Forgets calls, failures and requests; balance, poll count and output shape go back to their defaults. */
  override reset(): void {
    super.reset();
    this.failNextJob = 0;
    this.pollsToComplete = 1;
    this.outputKind = 'images';
    this.balanceUsd = 100;
    this.requests.clear();
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override internalError(res: ServerResponse): void {
    sendJson(res, 500, { detail: 'Internal Server Error' });
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const raw = await readBody(req);
    const output = /^\/outputs\/([\w-]+)\.(png|mp4|mp3)$/.exec(path);
    if (method === 'GET' && output) return this.serveOutput(res, method, path, output[2]);
    const route = routeOf(method, path);
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    const authorization = req.headers.authorization;
    let body: Json | undefined;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : undefined;
    } catch {
      return this.answer(res, { kind: route.kind, method, path, authorization, at: new Date() }, 422, { detail: 'Invalid JSON body' });
    }
    const call = { kind: route.kind, method, path, authorization, body, at: new Date() };
    if (authorization !== `Key ${this.apiKey}`) return this.answer(res, call, 401, { detail: 'Invalid authentication credentials' });
    const injected = this.takeFailure(route.kind);
    if (injected) {
      const { status, detail, headers } = failureAnswer(injected);
      return this.answer(res, call, status, { detail }, headers);
    }
    if (route.kind === 'billing') {
      const credits = url.searchParams.getAll('expand').includes('credits') ? { credits: { current_balance: this.balanceUsd, currency: 'USD' } } : {};
      return this.answer(res, call, 200, { username: 'fake-fal-user', ...credits });
    }
    if (route.kind === 'submit') return this.submit(res, call, route.prefix, body ?? {});
    const request = this.requests.get(route.requestId ?? '');
    // fal keys status and result by the app id alone: repeating the endpoint path is a miss.
    if (!request || request.appId !== route.prefix) return this.answer(res, call, 404, { detail: 'Request not found' });
    if (route.kind === 'cancel') {
      const done = request.polls >= request.completeAfter;
      return this.answer(res, call, done ? 400 : 202, { status: done ? 'ALREADY_COMPLETED' : 'CANCELLATION_REQUESTED' });
    }
    if (route.kind === 'status') {
      request.polls += 1;
      const view = this.statusOf(request);
      return this.answer(res, call, view.status === 'COMPLETED' ? 200 : 202, view);
    }
    if (request.polls < request.completeAfter) return this.answer(res, call, 400, { detail: 'Request is still in progress' });
    if (request.fails) {
      return this.answer(res, call, 422, {
        detail: [
          {
            loc: ['body', 'prompt'],
            msg: FLAGGED,
            type: 'content_policy_violation',
            url: 'https://docs.fal.ai/errors#content_policy_violation',
            input: request.input.prompt,
          },
        ],
      });
    }
    this.answer(res, call, 200, this.resultOf(request));
  }

  private submit(res: ServerResponse, call: Omit<FalCall, 'status'>, endpoint: string, input: Json): void {
    if (this.balanceUsd <= 0) return this.answer(res, call, 403, { detail: LOCKED });
    const fails = this.failNextJob > 0;
    if (fails) this.failNextJob -= 1;
    const segments = endpoint.split('/');
    const appId = segments.slice(0, NAMESPACES.includes(segments[0]) ? 3 : 2).join('/');
    const request: QueuedRequest = { id: randomUUID(), endpoint, appId, input, polls: 0, completeAfter: this.pollsToComplete, fails, output: this.outputKind };
    this.requests.set(request.id, request);
    this.answer(res, call, 200, { ...this.urlsOf(request), status: 'IN_QUEUE', queue_position: 0 });
  }

  private statusOf(request: QueuedRequest): Json {
    const urls = this.urlsOf(request);
    if (request.polls >= request.completeAfter) {
      const failure = request.fails ? { error: FLAGGED, error_type: 'content_policy_violation' } : {};
      return { status: 'COMPLETED', ...urls, logs: null, metrics: { inference_time: 1.2 }, ...failure };
    }
    if (request.polls === 1) return { status: 'IN_QUEUE', ...urls, queue_position: 0, logs: null, metrics: {} };
    return { status: 'IN_PROGRESS', ...urls, logs: null, metrics: {} };
  }

  private urlsOf(request: QueuedRequest): Json {
    const base = `${this.baseUrl}/${request.appId}/requests/${request.id}`;
    return { request_id: request.id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
  }

  private resultOf(request: QueuedRequest): Json {
    const file = (extension: string, contentType: string) => ({
      url: `${this.baseUrl}/outputs/${request.id}.${extension}`,
      content_type: contentType,
      file_name: `${request.id}.${extension}`,
    });
    if (request.output === 'video') return { video: file('mp4', 'video/mp4'), seed: 42 };
    if (request.output === 'audio') return { audio: file('mp3', 'audio/mpeg') };
    return {
      images: [{ ...file('png', 'image/png'), width: 2, height: 2, file_size: this.png.length }],
      seed: 42,
      has_nsfw_concepts: [false],
      prompt: request.input.prompt ?? '',
      timings: { inference: 1.2 },
    };
  }

  private serveOutput(res: ServerResponse, method: string, path: string, extension: string): void {
    // Output URLs are public CDN links: no Authorization. Video and audio are placeholder bytes, not playable
    // media; the video starts as an MP4 does (its `ftyp` box), so whoever judges files by their bytes sees a video.
    this.recorded.push({ kind: 'output', method, path, status: 200, at: new Date() });
    const [contentType, bytes] =
      extension === 'png' ? ['image/png', this.png] : extension === 'mp4' ? ['video/mp4', MP4_PLACEHOLDER] : ['audio/mpeg', Buffer.from('fake mp3')];
    res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
    res.end(bytes);
  }

  private answer(res: ServerResponse, call: Omit<FalCall, 'status'>, status: number, body: Json, headers: Record<string, string> = {}): void {
    this.recorded.push({ ...call, status });
    sendJson(res, status, body, headers);
  }
}

function routeOf(method: string, path: string): { kind: FalCallKind; prefix: string; requestId?: string } | undefined {
  if (method === 'GET' && path === '/v1/account/billing') return { kind: 'billing', prefix: '' };
  const queue = /^\/(.+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(path);
  if (queue) {
    const kind = queue[3] === '/status' ? 'status' : queue[3] === '/cancel' ? 'cancel' : 'result';
    if ((kind === 'cancel' && method !== 'PUT') || (kind !== 'cancel' && method !== 'GET')) return undefined;
    return { kind, prefix: queue[1], requestId: decodeURIComponent(queue[2]) };
  }
  if (method === 'POST' && /^\/[\w.-]+(\/[\w.-]+)+$/.test(path)) return { kind: 'submit', prefix: path.slice(1) };
  return undefined;
}

function failureAnswer(failure: FalFailureKind | FalCustomFailure): FalCustomFailure {
  if (typeof failure !== 'string') return failure;
  switch (failure) {
    case 'http429':
      return { status: 429, detail: 'Too many requests' };
    case 'http500':
      return { status: 500, detail: 'Internal Server Error', headers: { 'x-fal-retryable': 'true' } };
    case 'rejected':
      return {
        status: 422,
        detail: [
          {
            loc: ['body', 'image_size'],
            msg: "Input should be 'square_hd', 'square', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3' or 'landscape_16_9'",
            type: 'literal_error',
            url: 'https://docs.fal.ai/errors#literal_error',
          },
        ],
      };
    case 'insufficient_balance':
      return { status: 403, detail: LOCKED };
    case 'job_failed':
      throw new Error('job_failed is not an HTTP answer');
  }
}
