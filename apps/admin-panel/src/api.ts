/** An error body from admin-api: `{code, message, details}` with its HTTP status. */
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

export type Role = 'support' | 'admin' | 'owner';
const ROLES: Role[] = ['support', 'admin', 'owner'];
/** Whether `role` may do what `required` may (support < admin < owner), as the API's guard decides. */
export const roleAtLeast = (role: Role, required: Role) => ROLES.indexOf(role) >= ROLES.indexOf(required);

export interface Admin {
  telegramId: string;
  username?: string;
  firstName?: string;
  role: Role;
}
interface Session {
  accessToken: string;
  refreshToken: string;
  admin: Admin;
}
export interface LoginOptions {
  botUsername: string | null;
  devLogin: boolean;
}
export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  hasMore: boolean;
}
export interface User {
  telegramId: string;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  language: string | null;
  referralCode: string;
  source: string | null;
  isBanned: boolean;
  banReason: string | null;
  blocked: boolean;
  lastActivityAt: string | null;
  createdAt: string;
}
export interface UserDetails extends User {
  balance: number;
  reserved: number;
  available: number;
  referrals: number;
  referrerId: string | null;
}
export interface Generation {
  id: string;
  userTelegramId: string;
  model: string;
  mode: string;
  status: string;
  priceCredits: number;
  isTrial: boolean;
  error: string | null;
  refundedCredits: number;
  createdAt: string;
  finishedAt: string | null;
}
export interface Payment {
  id: string;
  userTelegramId: string;
  provider: string;
  externalId: string | null;
  status: string;
  amountMinor: number;
  currency: string;
  credits: number;
  refundStatus: string | null;
  refundedMinor: number;
  refundedCredits: number;
  createdAt: string;
  succeededAt: string | null;
  refundedAt: string | null;
}
export interface PriceRule {
  mode: string | null;
  match: Record<string, string>;
  credits: number | null;
  usd: number | null;
}
export interface Model {
  slug: string;
  name: string;
  kind: string;
  isActive: boolean;
  sort: number;
  provider: string;
  prices: PriceRule[];
  generationCount?: number;
}
export interface Revenue {
  currency: string;
  count: number;
  amountMinor: number;
  credits: number;
}
export interface Stats {
  days: number;
  since: string;
  users: { total: number; new: number; active: number };
  generations: { total: number; completed: number; failed: number; running: number; creditsCharged: number };
  payments: { count: number; revenue: Revenue[] };
}
export interface DailyRevenue extends Revenue {
  day: string;
  refundedMinor: number;
}
export interface BroadcastFilter {
  kind: string;
  days?: number;
  language?: string;
  source?: string;
  from?: string;
  to?: string;
}
export interface Broadcast {
  publicId: string;
  status: string;
  text: string;
  media: { type: string; url?: string; fileId?: string } | null;
  buttons: { text: string; url: string }[][];
  filter: BroadcastFilter;
  scheduledAt: string | null;
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  pending: number;
  ratePerSecond: number;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
export interface AuditRecord {
  id: string;
  actorTelegramId: string;
  actorRole: Role;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  createdAt: string;
}
export interface AdminEntry {
  telegramId: string;
  role: Role;
  source: 'config' | 'api';
  addedBy: string | null;
  createdAt: string | null;
}

/** A key for a retry-safe call (credits); crypto.randomUUID exists only on https and localhost pages. */
export function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Where the refresh token survives a reload; the short-lived access token stays in memory. */
const STORED = 'genbot.admin.session';

/**
 * admin-api as the panel uses it. The access token goes as a Bearer token; a 401 trades the
 * refresh token for a new pair once (the API rotates it: the old one dies) and repeats the call.
 * Concurrent 401s share one refresh, since a second use of the same refresh token would end the session.
 */
export class Api {
  private session: Session | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly onSignedOut: () => void) {}

  get admin(): Admin | null {
    return this.session?.admin ?? null;
  }

  /** After a reload: a stored refresh token becomes a live session again (or is dropped). */
  async resume(): Promise<Admin | null> {
    if (!localStorage.getItem(STORED)) return null;
    return (await this.refresh()) ? this.admin : null;
  }

  loginOptions = () => this.call<LoginOptions>('GET', '/api/v1/admin/auth/options', undefined, false);
  login = async (widget: Record<string, string | number>) => this.keep(await this.call<Session>('POST', '/api/v1/admin/auth/login', widget, false));
  devLogin = async (telegramId: string) => this.keep(await this.call<Session>('POST', '/api/v1/admin/auth/dev-login', { telegramId }, false));

  async logout(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    this.forget();
    if (refreshToken) await this.call('POST', '/api/v1/admin/auth/logout', { refreshToken }, false).catch(() => undefined);
  }

  /** Opens bull-board: it reads the access token from a cookie limited to its own path. */
  queueSession = () => this.call<void>('POST', '/admin/queues/session');

  stats = (days: number) => this.call<Stats>('GET', `/api/v1/admin/stats?days=${days}`);
  chart = <T>(name: string, days: number) => this.call<T[]>('GET', `/api/v1/admin/charts/${name}?days=${days}`);

  users = (query: string, offset = 0) => this.call<Page<User>>('GET', `/api/v1/admin/users?${params({ query, offset, limit: 25 })}`);
  user = (id: string) => this.call<UserDetails>('GET', `/api/v1/admin/users/${id}`);
  ban = (id: string, reason: string) => this.call<User>('POST', `/api/v1/admin/users/${id}/ban`, reason ? { reason } : {});
  unban = (id: string) => this.call<User>('POST', `/api/v1/admin/users/${id}/unban`, {});
  userGenerations = (id: string) => this.call<Page<Generation>>('GET', `/api/v1/admin/users/${id}/generations?limit=20`);
  userPayments = (id: string) => this.call<Page<Payment>>('GET', `/api/v1/admin/users/${id}/payments?limit=20`);
  adjustCredits = (body: { telegramId: string; amount: number; direction: 'grant' | 'deduct'; reason: string; idempotencyKey: string }) =>
    this.call<{ balance: number; available: number; amount: number }>('POST', '/api/v1/admin/credits', body);

  generations = (status: string, offset = 0) => this.call<Page<Generation>>('GET', `/api/v1/admin/generations?${params({ status, offset, limit: 25 })}`);
  queue = () => this.call<{ jobs: Record<string, number>; generations: Record<string, number> }>('GET', '/api/v1/admin/generations/queue');
  refundGeneration = (id: string, reason: string) => this.call<Generation>('POST', `/api/v1/admin/generations/${id}/refund`, reason ? { reason } : {});

  models = () => this.call<Model[]>('GET', '/api/v1/admin/models');
  patchModel = (slug: string, body: Partial<Pick<Model, 'isActive' | 'name' | 'sort'>>) => this.call<Model>('PATCH', `/api/v1/admin/models/${slug}`, body);
  setPrice = (slug: string, rules: Partial<PriceRule>[]) => this.call<Model>('PUT', `/api/v1/admin/models/${slug}/price`, { rules });

  payments = (status: string, offset = 0) => this.call<Page<Payment>>('GET', `/api/v1/admin/payments?${params({ status, offset, limit: 25 })}`);
  dailyPayments = (days: number) => this.call<DailyRevenue[]>('GET', `/api/v1/admin/payments/daily?days=${days}`);
  refundPayment = (id: string, force: boolean) => this.call<Payment>('POST', `/api/v1/admin/payments/${id}/refund`, { force });

  broadcasts = () => this.call<{ items: Broadcast[] }>('GET', '/api/v1/admin/broadcasts?limit=20');
  broadcast = (id: string) => this.call<Broadcast>('GET', `/api/v1/admin/broadcasts/${id}`);
  audience = (filter: BroadcastFilter) => {
    const { kind, ...rest } = filter;
    return this.call<{ count: number }>('GET', `/api/v1/admin/users/count?${params({ filter_type: kind, ...rest })}`);
  };
  createBroadcast = (body: { text: string; filter: BroadcastFilter; buttons?: { text: string; url: string }[][]; media?: { type: string; url: string } }) =>
    this.call<Broadcast>('POST', '/api/v1/admin/broadcasts', body);
  testBroadcast = (id: string) => this.call<unknown>('POST', `/api/v1/admin/broadcasts/${id}/test`, {});
  startBroadcast = (id: string) => this.call<Broadcast>('POST', `/api/v1/admin/broadcasts/${id}/start`, {});
  cancelBroadcast = (id: string) => this.call<Broadcast>('POST', `/api/v1/admin/broadcasts/${id}/cancel`, {});

  settings = () => this.call<Record<string, unknown>>('GET', '/api/v1/admin/settings');
  saveSettings = (values: Record<string, unknown>) => this.call<Record<string, unknown>>('PATCH', '/api/v1/admin/settings', values);

  audit = (filter: { actor?: string; action?: string; target?: string; cursor?: string }) =>
    this.call<{ items: AuditRecord[]; nextCursor: string | null }>('GET', `/api/v1/admin/audit?${params({ ...filter, limit: 50 })}`);

  admins = () => this.call<{ items: AdminEntry[] }>('GET', '/api/v1/admin/admins');
  addAdmin = (telegramId: string, role: Role) => this.call<AdminEntry>('POST', '/api/v1/admin/admins', { telegramId, role });
  changeRole = (telegramId: string, role: Role) => this.call<AdminEntry>('PATCH', `/api/v1/admin/admins/${telegramId}`, { role });
  removeAdmin = (telegramId: string) => this.call<void>('DELETE', `/api/v1/admin/admins/${telegramId}`);

  private keep(session: Session): Admin {
    this.session = session;
    localStorage.setItem(STORED, session.refreshToken);
    return session.admin;
  }

  private forget(): void {
    this.session = null;
    localStorage.removeItem(STORED);
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.session?.refreshToken ?? localStorage.getItem(STORED);
      try {
        if (!refreshToken) return false;
        this.keep(await this.call<Session>('POST', '/api/v1/admin/auth/refresh', { refreshToken }, false));
        return true;
      } catch {
        this.forget();
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async call<T>(method: string, path: string, body?: unknown, authed = true): Promise<T> {
    const send = () => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (authed && this.session) headers.Authorization = `Bearer ${this.session.accessToken}`;
      return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    };
    let response = await send();
    if (authed && response.status === 401 && (await this.refresh())) response = await send();
    if (authed && response.status === 401) {
      this.forget();
      this.onSignedOut();
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not the API's JSON (a proxy's error page): the status says what happened.
      if (response.ok) throw new ApiError(response.status, 'BAD_RESPONSE', 'The server answered with something other than JSON');
    }
    if (!response.ok)
      throw new ApiError(response.status, String(json.code ?? 'ERROR'), String(json.message ?? response.statusText), json.details as Record<string, unknown>);
    return json as T;
  }
}

/** Query parameters, leaving out the empty ones. */
function params(values: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') search.set(key, String(value));
  return search.toString();
}
