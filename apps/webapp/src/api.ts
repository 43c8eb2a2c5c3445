/** An error body from the API: `{code, message, details}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Model {
  id: string;
  name: string;
  description: string | null;
  kind: 'image' | 'video' | 'audio' | 'tool';
  modes: string[];
  available: boolean;
  price: number;
  options: Record<string, OptionSpec>;
  maxInputImages: number;
  avgDurationSeconds: number | null;
}
export type OptionSpec =
  | { type: 'enum'; values: string[]; default?: string; modes?: string[] }
  | { type: 'string'; required?: boolean; maxLength?: number; modes?: string[] }
  | { type: 'integer'; min: number; max: number; default?: number; modes?: string[] };
export interface Quote {
  price: number;
  trial: boolean;
  mode: string;
}
export interface Generation {
  id: string;
  modelId: string;
  mode: string;
  status: 'waiting_payment' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  price: number;
  trial: boolean;
  prompt: string | null;
  error: string | null;
  createdAt: string;
}
export interface Result {
  index: number;
  url: string;
  contentType: string;
}
export interface Balance {
  balance: number;
  available: number;
  reserved: number;
}
export interface StarsOption {
  tariff_id: string;
  slug: string;
  title: string;
  credits: number;
  stars: number;
  badge: string | null;
}
export interface Referrals {
  referralCode: string;
  referralLink: string | null;
  invitedCount: number;
  paidCount: number;
  earnedCredits: number;
}
export interface Profile {
  telegramId: string;
  language: string | null;
  languageCode: string | null;
}
export interface BonusClaim {
  granted: number;
  streak: number;
  nextClaimAt: string;
}

export const ACTIVE = ['waiting_payment', 'queued', 'running'];

/** An Idempotency-Key or a list key; crypto.randomUUID exists only on https (and localhost) pages. */
export function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** The Mini App's view of public-api: every call carries the raw initData (DESIGN.md, "Who uses it"). */
export class Api {
  constructor(
    private readonly initData: string,
    private readonly telegramId: string,
    private readonly onError: (error: ApiError) => void,
  ) {}

  sync = () => this.call<Profile>('POST', '/api/v1/users/sync', {});
  models = () => this.call<Model[]>('GET', '/api/v1/models');
  price = (body: Record<string, unknown>) => this.call<Quote>('POST', '/api/v1/generations/price', body);
  submit = (body: Record<string, unknown>, key: string) => this.call<Generation>('POST', '/api/v1/generations/submit', body, { 'Idempotency-Key': key });
  tool = (tool: string, body: Record<string, unknown>, key: string) => this.call<Generation>('POST', `/api/v1/tools/${tool}`, body, { 'Idempotency-Key': key });
  active = () => this.call<Generation[]>('GET', '/api/v1/generations/active');
  history = () => this.call<Generation[]>('GET', '/api/v1/generations');
  results = (id: string) => this.call<{ results: Result[] }>('GET', `/api/v1/generations/${id}/results`);
  balance = () => this.call<Balance>('GET', `/api/v1/users/${this.telegramId}/balance`);
  starsOptions = () => this.call<{ options: StarsOption[] }>('GET', '/api/v1/payments/stars/options');
  starsInvoice = (tariffId: string) => this.call<{ invoice_link: string; credits: number }>('POST', '/api/v1/payments/stars/confirm', { tariff_id: tariffId });
  referrals = () => this.call<Referrals>('GET', `/api/v1/referrals/${this.telegramId}`);
  claimBonus = () => this.call<BonusClaim>('POST', '/api/v1/bonus/daily/claim', {});

  upload(file: File): Promise<{ id: string; url: string }> {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.call('POST', '/api/v1/media/upload', form);
  }

  /**
   * Whether the daily bonus endpoint exists on this server: asked without credentials, so the
   * probe can never claim anything. The guard answers 401 for a route it knows; 404 means none.
   */
  async bonusAvailable(): Promise<boolean> {
    const response = await fetch('/api/v1/bonus/daily/claim', { method: 'POST' }).catch(() => undefined);
    return response !== undefined && response.status !== 404;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = { method, headers: { 'X-Telegram-Init-Data': this.initData, ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, init).catch(() => {
      throw new ApiError(0, 'NETWORK', 'The server cannot be reached');
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
      const error = new ApiError(response.status, problem.code ?? 'HTTP_' + response.status, problem.message ?? response.statusText, problem.details);
      this.onError(error);
      throw error;
    }
    return parsed as T;
  }
}
