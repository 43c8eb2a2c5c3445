import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Admin, Api, Role, roleAtLeast } from './api';
import { AdminsPage } from './pages/admins';
import { AuditPage } from './pages/audit';
import { BroadcastsPage } from './pages/broadcasts';
import { DashboardPage } from './pages/dashboard';
import { GenerationsPage } from './pages/generations';
import { ModelsPage } from './pages/models';
import { PaymentsPage } from './pages/payments';
import { SettingsPage } from './pages/settings';
import { SignIn, widgetLoginFromUrl } from './pages/sign-in';
import { UsersPage } from './pages/users';
import { BASE, PanelContext, PanelLink, describe } from './ui';

/** The panel's pages: the path under /panel/, the nav label, and the lowest role that may open it (as the API's guard decides). */
const PAGES: { path: string; label: string; role: Role; page: FunctionComponent<{ rest: string }> }[] = [
  { path: '', label: 'Dashboard', role: 'support', page: DashboardPage },
  { path: 'users', label: 'Users', role: 'support', page: UsersPage },
  { path: 'generations', label: 'Generations', role: 'support', page: GenerationsPage },
  { path: 'models', label: 'Models & prices', role: 'support', page: ModelsPage },
  { path: 'payments', label: 'Payments', role: 'support', page: PaymentsPage },
  { path: 'broadcasts', label: 'Broadcasts', role: 'support', page: BroadcastsPage },
  { path: 'settings', label: 'Settings', role: 'support', page: SettingsPage },
  { path: 'audit', label: 'Audit log', role: 'admin', page: AuditPage },
  { path: 'admins', label: 'Admins', role: 'owner', page: AdminsPage },
];

const currentPath = () => (location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '');

export function App() {
  const [admin, setAdmin] = useState<Admin | null>(null);
  const [starting, setStarting] = useState(true);
  const [startError, setStartError] = useState<string>();
  const api = useMemo(() => new Api(() => setAdmin(null)), []);
  const [path, setPath] = useState(currentPath());

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    addEventListener('popstate', onPop);
    // Back from Telegram's Login Widget (its redirect mode: the signed fields in the query), else a stored session.
    const widget = widgetLoginFromUrl();
    if (widget) history.replaceState(null, '', location.pathname);
    (widget ? api.login(widget) : api.resume()).then(setAdmin, (e) => setStartError(describe(e))).finally(() => setStarting(false));
    return () => removeEventListener('popstate', onPop);
  }, [api]);

  const navigate = (to: string) => {
    history.pushState(null, '', BASE + to);
    setPath(to);
    scrollTo(0, 0);
  };

  if (starting) return <p class="hint center">Loading…</p>;
  if (!admin) return <SignIn api={api} onSignedIn={setAdmin} initialError={startError} />;

  const [section, ...rest] = path.split('/');
  const visible = PAGES.filter((p) => roleAtLeast(admin.role, p.role));
  const current = visible.find((p) => p.path === section);
  const Page = current?.page;

  const openQueues = async () => {
    await api.queueSession();
    open('/admin/queues', '_blank', 'noopener');
  };

  return (
    <PanelContext.Provider value={{ api, admin, navigate }}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <div class="shell">
        <header class="top">
          <span class="brand">genbot admin</span>
          <span class="who">
            {admin.username ? `@${admin.username}` : (admin.firstName ?? admin.telegramId)} · <span data-testid="role">{admin.role}</span>
          </span>
          <button type="button" class="link" onClick={() => void api.logout().then(() => setAdmin(null))}>
            Sign out
          </button>
        </header>
        <nav class="side" aria-label="Sections">
          <ul>
            {visible.map((p) => (
              <li key={p.path}>
                <PanelLink to={p.path} aria-current={p === current ? 'page' : undefined}>
                  {p.label}
                </PanelLink>
              </li>
            ))}
            {roleAtLeast(admin.role, 'admin') && (
              <li>
                <button type="button" class="link" onClick={() => void openQueues()}>
                  Queue dashboard ↗
                </button>
              </li>
            )}
          </ul>
        </nav>
        <main id="main" class="content" data-page={current?.path ?? 'missing'}>
          {Page ? (
            <Page key={section} rest={rest.join('/')} />
          ) : (
            <>
              <h1>Not here</h1>
              <p>This page does not exist, or your role ({admin.role}) may not open it.</p>
            </>
          )}
        </main>
      </div>
    </PanelContext.Provider>
  );
}
