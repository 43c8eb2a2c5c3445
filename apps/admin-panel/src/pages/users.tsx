import { useState } from 'preact/hooks';
import { newKey, UserDetails } from '../api';
import { Refund } from './generations';
import {
  Badge,
  Failure,
  Loading,
  Pager,
  Section,
  Status,
  StatusBadge,
  dateTime,
  number,
  useAction,
  useCan,
  useLoad,
  PanelLink,
  usePanel,
  userName,
} from '../ui';

/** users: search and list; users/<telegram id>: one user's details, ban, credits, generations and payments. */
export function UsersPage({ rest }: { rest: string }) {
  return rest ? <UserPage telegramId={rest} /> : <UserSearch />;
}

function UserSearch() {
  const { api } = usePanel();
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api.users(query, offset), [query, offset]);
  return (
    <>
      <h1>Users</h1>
      <form
        role="search"
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQuery(draft.trim());
        }}
      >
        <label for="user-query" class="visually-hidden">
          Telegram id, referral code or username
        </label>
        <input
          id="user-query"
          type="search"
          placeholder="Telegram id, referral code or @username"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      <Failure error={list.error} />
      {list.data ? (
        <>
          <table>
            <caption class="visually-hidden">Users{query ? ` matching ${query}` : ', newest first'}</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Telegram id</th>
                <th scope="col">Language</th>
                <th scope="col">Source</th>
                <th scope="col">State</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((u) => (
                <tr key={u.telegramId} data-user={u.telegramId}>
                  <td>
                    <PanelLink to={`users/${u.telegramId}`}>{userName(u)}</PanelLink>
                  </td>
                  <td class="mono">{u.telegramId}</td>
                  <td>{u.language ?? '—'}</td>
                  <td>{u.source ?? '—'}</td>
                  <td>
                    {u.isBanned ? <Badge tone="bad">banned</Badge> : u.blocked ? <Badge tone="muted">blocked the bot</Badge> : <Badge tone="ok">active</Badge>}
                  </td>
                  <td>{dateTime(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && <p class="hint">No users found.</p>}
          <Pager {...list.data} onPage={setOffset} />
        </>
      ) : (
        !list.error && <Loading />
      )}
    </>
  );
}

function UserPage({ telegramId }: { telegramId: string }) {
  const { api, navigate } = usePanel();
  const can = useCan();
  const user = useLoad(() => api.user(telegramId), [telegramId]);
  const generations = useLoad(() => api.userGenerations(telegramId), [telegramId]);
  const payments = useLoad(() => api.userPayments(telegramId), [telegramId]);
  const u = user.data;
  return (
    <>
      <p>
        <a
          href="/panel/users"
          onClick={(e) => {
            e.preventDefault();
            navigate('users');
          }}
        >
          ← All users
        </a>
      </p>
      <h1>{u ? userName(u) : telegramId}</h1>
      <Failure error={user.error} />
      {!u && !user.error && <Loading />}
      {u && (
        <div class="grid-2">
          <Section title="Profile">
            <dl class="facts">
              <dt>Telegram id</dt>
              <dd class="mono">{u.telegramId}</dd>
              <dt>Name</dt>
              <dd>{[u.firstName, u.lastName].filter(Boolean).join(' ') || '—'}</dd>
              <dt>Language</dt>
              <dd>{u.language ?? '—'}</dd>
              <dt>Referral code</dt>
              <dd class="mono">{u.referralCode}</dd>
              <dt>Invited</dt>
              <dd>
                {u.referrals} users{u.referrerId ? `; invited by ${u.referrerId}` : ''}
              </dd>
              <dt>Source</dt>
              <dd>{u.source ?? '—'}</dd>
              <dt>Joined</dt>
              <dd>{dateTime(u.createdAt)}</dd>
              <dt>Last seen</dt>
              <dd>{dateTime(u.lastActivityAt)}</dd>
              <dt>State</dt>
              <dd>
                {u.isBanned ? <Badge tone="bad">banned{u.banReason ? `: ${u.banReason}` : ''}</Badge> : <Badge tone="ok">not banned</Badge>}
                {u.blocked && <Badge tone="muted">blocked the bot</Badge>}
              </dd>
            </dl>
            <BanForm user={u} onDone={user.reload} />
          </Section>
          <Section title="Credits">
            <dl class="facts">
              <dt>Balance</dt>
              <dd data-testid="balance">{number(u.balance)}</dd>
              <dt>Reserved</dt>
              <dd>{number(u.reserved)}</dd>
              <dt>Available</dt>
              <dd>{number(u.available)}</dd>
            </dl>
            {can('admin') && <CreditsForm user={u} onDone={user.reload} />}
          </Section>
        </div>
      )}
      <Section title="Generations">
        <Failure error={generations.error} />
        {generations.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Model</th>
                <th scope="col">Mode</th>
                <th scope="col">Status</th>
                <th scope="col">Price</th>
                {can('admin') && <th scope="col">Refund</th>}
              </tr>
            </thead>
            <tbody>
              {generations.data.items.map((g) => (
                <tr key={g.id} data-generation={g.id}>
                  <td>{dateTime(g.createdAt)}</td>
                  <td>{g.model}</td>
                  <td>{g.mode}</td>
                  <td>
                    <StatusBadge status={g.status} />
                  </td>
                  <td>{g.isTrial ? 'trial' : number(g.priceCredits)}</td>
                  {can('admin') && (
                    <td>
                      <Refund
                        generation={g}
                        onDone={() => {
                          generations.reload();
                          user.reload();
                        }}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {generations.data?.items.length === 0 && <p class="hint">None yet.</p>}
      </Section>
      <Section title="Payments">
        <Failure error={payments.error} />
        {payments.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Provider</th>
                <th scope="col">Amount</th>
                <th scope="col">Credits</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.items.map((p) => (
                <tr key={p.id}>
                  <td>{dateTime(p.createdAt)}</td>
                  <td>{p.provider}</td>
                  <td>
                    {number(p.amountMinor)} {p.currency}
                  </td>
                  <td>{number(p.credits)}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {payments.data?.items.length === 0 && <p class="hint">None yet.</p>}
      </Section>
    </>
  );
}

function BanForm({ user, onDone }: { user: UserDetails; onDone: () => void }) {
  const { api } = usePanel();
  const [reason, setReason] = useState('');
  const { busy, message, run } = useAction();
  if (user.isBanned)
    return (
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void run(() => api.unban(user.telegramId), 'Ban lifted').then((ok) => ok && onDone())}>
          Unban
        </button>
        <Status message={message} />
      </div>
    );
  return (
    <form
      class="actions"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api.ban(user.telegramId, reason.trim()), 'Banned').then((ok) => ok && onDone());
      }}
    >
      <label for="ban-reason">Ban reason (shown to the user)</label>
      <div class="row">
        <input id="ban-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
        <button type="submit" class="danger" disabled={busy}>
          Ban
        </button>
      </div>
      <Status message={message} />
    </form>
  );
}

function CreditsForm({ user, onDone }: { user: UserDetails; onDone: () => void }) {
  const { api } = usePanel();
  const [amount, setAmount] = useState('');
  const [direction, setDirection] = useState<'grant' | 'deduct'>('grant');
  const [reason, setReason] = useState('');
  // One key per intended adjustment: a double click or a retry after a lost answer moves nothing twice.
  const [key, setKey] = useState(newKey);
  const { busy, message, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(
      () => api.adjustCredits({ telegramId: user.telegramId, amount: Number(amount), direction, reason: reason.trim(), idempotencyKey: key }),
      `${direction === 'grant' ? 'Granted' : 'Deducted'} ${amount} credits`,
    ).then((ok) => {
      if (!ok) return;
      setKey(newKey());
      setAmount('');
      setReason('');
      onDone();
    });
  };
  return (
    <form class="actions" onSubmit={submit} aria-label="Adjust credits">
      <h3>Adjust credits</h3>
      <fieldset class="row">
        <legend class="visually-hidden">Direction</legend>
        <label class="inline">
          <input type="radio" name="direction" checked={direction === 'grant'} onChange={() => setDirection('grant')} /> Grant
        </label>
        <label class="inline">
          <input type="radio" name="direction" checked={direction === 'deduct'} onChange={() => setDirection('deduct')} /> Deduct
        </label>
      </fieldset>
      <label for="credits-amount">Amount</label>
      <input id="credits-amount" type="number" min={1} step={1} required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      <label for="credits-reason">Reason (kept in the audit log)</label>
      <input id="credits-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled={busy}>
        Apply
      </button>
      <Status message={message} />
    </form>
  );
}
