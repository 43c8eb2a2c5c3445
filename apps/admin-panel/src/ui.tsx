import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { Admin, Api, ApiError, Role, roleAtLeast } from './api';

export interface Panel {
  api: Api;
  admin: Admin;
  navigate: (path: string) => void;
}
export const PanelContext = createContext<Panel>(null as unknown as Panel);
export const usePanel = () => useContext(PanelContext);

/** Where admin-api serves the panel; every page's path is under it. */
export const BASE = '/panel/';

/** A link to a panel page (`users/123`): a real href for a new tab, followed in place on a click. */
export function PanelLink({
  to,
  children,
  ...attributes
}: {
  to: string;
  children: ComponentChildren;
  class?: string;
  'aria-label'?: string;
  'aria-current'?: 'page';
}) {
  const { navigate } = usePanel();
  return (
    <a
      {...attributes}
      href={BASE + to}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
/** Whether the signed-in admin's role may do what `required` may: what it may not is not shown at all. */
export const useCan = () => {
  const { admin } = usePanel();
  return (required: Role) => roleAtLeast(admin.role, required);
};

/** Loads once (and again on `reload()` or when `deps` change); errors are kept to show, not thrown. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: ApiError | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(value), setError(undefined)),
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => void (live = false);
  }, [tick, ...deps]);
  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** Runs an action, showing its error or its success message in one status line. */
export function useAction(): { busy: boolean; message: Message | undefined; run: (action: () => Promise<unknown>, done?: string) => Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>();
  const run = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      if (done) setMessage({ kind: 'ok', text: done });
      return true;
    } catch (e) {
      setMessage({ kind: 'error', text: describe(asApiError(e)) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, run };
}

export interface Message {
  kind: 'ok' | 'error';
  text: string;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
}

/** An API error as the operator reads it: the message, and the fields a 400 names. */
export function describe(error: ApiError): string {
  const fields = (error.details?.fields as { field: string; problems: string[] }[] | undefined) ?? [];
  const named = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
  return named ? `${error.message} (${named})` : error.message;
}

export function Status({ message }: { message: Message | undefined }) {
  return (
    <p role="status" class={`status ${message?.kind ?? ''}`}>
      {message?.text ?? ''}
    </p>
  );
}

export function Failure({ error }: { error: ApiError | undefined }) {
  return error ? (
    <p role="alert" class="status error">
      {describe(error)}
    </p>
  ) : null;
}

export function Loading() {
  return <p class="hint">Loading…</p>;
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export const dateTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—');
export const number = (n: number) => n.toLocaleString('en-US');
export const userName = (u: { username: string | null; firstName: string | null; telegramId: string }) =>
  u.username ? `@${u.username}` : (u.firstName ?? u.telegramId);

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'muted'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

const TONES: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = {
  succeeded: 'ok',
  completed: 'ok',
  running: 'warn',
  queued: 'warn',
  pending: 'warn',
  waiting_payment: 'warn',
  scheduled: 'warn',
  failed: 'bad',
  cancelled: 'muted',
  canceled: 'muted',
  expired: 'muted',
  draft: 'muted',
};
export const StatusBadge = ({ status }: { status: string }) => <Badge tone={TONES[status] ?? 'muted'}>{status.replace('_', ' ')}</Badge>;

/** Previous / next for the offset-paged lists. */
export function Pager({ offset, limit, hasMore, onPage }: { offset: number; limit: number; hasMore: boolean; onPage: (offset: number) => void }) {
  if (offset === 0 && !hasMore) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span class="hint">
        {offset + 1}–{offset + limit}
      </span>
      <button type="button" disabled={!hasMore} onClick={() => onPage(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
