import { useEffect, useRef, useState } from 'preact/hooks';
import { Admin, Api, LoginOptions } from '../api';
import { describe, useAction, Status } from '../ui';

const WIDGET_FIELDS = ['id', 'first_name', 'last_name', 'username', 'photo_url', 'auth_date', 'hash'];

/** The Login Widget's redirect back to the panel carries the signed fields in the query. */
export function widgetLoginFromUrl(): Record<string, string | number> | null {
  const query = new URLSearchParams(location.search);
  if (!query.get('hash') || !query.get('id')) return null;
  const fields: Record<string, string | number> = {};
  for (const name of WIDGET_FIELDS) {
    const value = query.get(name);
    if (value !== null) fields[name] = name === 'id' || name === 'auth_date' ? Number(value) : value;
  }
  return fields;
}

/**
 * Production: Telegram's Login Widget (its script from telegram.org, allowed by the panel's CSP),
 * redirecting back here with the signed fields. Outside production (admin-api says so): a Telegram
 * id field instead, and no script from outside is loaded.
 */
export function SignIn({ api, onSignedIn, initialError }: { api: Api; onSignedIn: (admin: Admin) => void; initialError?: string }) {
  const [options, setOptions] = useState<LoginOptions>();
  const [loadError, setLoadError] = useState<string>();
  const [telegramId, setTelegramId] = useState('');
  const { busy, message, run } = useAction();
  const widget = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.loginOptions().then(setOptions, (e) => setLoadError(describe(e)));
  }, [api]);

  useEffect(() => {
    if (!options || options.devLogin || !options.botUsername || !widget.current) return;
    const script = document.createElement('script');
    script.async = true;
    script.src = 'https://telegram.org/js/telegram-widget.js?22';
    script.dataset.telegramLogin = options.botUsername;
    script.dataset.size = 'large';
    script.dataset.authUrl = `${location.origin}/panel/`;
    script.dataset.requestAccess = 'write';
    widget.current.replaceChildren(script);
  }, [options]);

  const devSignIn = (e: Event) => {
    e.preventDefault();
    void run(async () => onSignedIn(await api.devLogin(telegramId.trim())));
  };

  return (
    <main class="sign-in" data-page="sign-in">
      <div class="card">
        <h1>genbot admin</h1>
        {initialError && (
          <p role="alert" class="status error">
            {initialError}
          </p>
        )}
        {loadError && (
          <p role="alert" class="status error">
            {loadError}
          </p>
        )}
        {!options && !loadError && <p class="hint">Loading…</p>}
        {options?.devLogin && (
          <form onSubmit={devSignIn}>
            <p class="hint">Development sign-in: this server does not run in production, so an admin's Telegram id is enough.</p>
            <label for="dev-telegram-id">Telegram id</label>
            <input
              id="dev-telegram-id"
              name="telegramId"
              inputMode="numeric"
              autoComplete="off"
              required
              pattern="[0-9]{1,19}"
              value={telegramId}
              onInput={(e) => setTelegramId(e.currentTarget.value)}
            />
            <button type="submit" class="primary" disabled={busy}>
              Sign in
            </button>
            <Status message={message} />
          </form>
        )}
        {options && !options.devLogin && (
          <>
            <p>Sign in with the Telegram account of an administrator.</p>
            {options.botUsername ? (
              <div ref={widget} class="widget" />
            ) : (
              <p role="alert" class="status error">
                BOT_USERNAME is not set on admin-api: the Login Widget needs it.
              </p>
            )}
          </>
        )}
      </div>
    </main>
  );
}
