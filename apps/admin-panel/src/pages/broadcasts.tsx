import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Broadcast, BroadcastFilter } from '../api';
import { Failure, Loading, Section, Status, StatusBadge, dateTime, number, useAction, useCan, useLoad, PanelLink, usePanel } from '../ui';
import { TelegramPreview } from './telegram-preview';

const KINDS: { kind: string; label: string }[] = [
  { kind: 'all', label: 'Everyone' },
  { kind: 'active', label: 'Active in the last N days' },
  { kind: 'paid', label: 'Paid at least once' },
  { kind: 'never_paid', label: 'Never paid' },
  { kind: 'language', label: 'By language' },
  { kind: 'source', label: 'By ad source' },
  { kind: 'has_generations', label: 'Made a generation' },
  { kind: 'registered_between', label: 'Registered between dates' },
];
const LIVE = ['running', 'scheduled', 'paused'];

/** broadcasts: the list and (for admins) the composer; broadcasts/<id>: progress, test send, start, cancel. */
export function BroadcastsPage({ rest }: { rest: string }) {
  const can = useCan();
  if (rest) return <BroadcastView publicId={rest} />;
  return (
    <>
      <h1>Broadcasts</h1>
      {can('admin') && <Composer />}
      <BroadcastList />
    </>
  );
}

function BroadcastList() {
  const { api } = usePanel();
  const list = useLoad(() => api.broadcasts());
  return (
    <Section title="Recent broadcasts">
      <Failure error={list.error} />
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Text</th>
              <th scope="col">Status</th>
              <th scope="col">Sent / total</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((b) => (
              <tr key={b.publicId}>
                <td>
                  <PanelLink to={`broadcasts/${b.publicId}`}>{dateTime(b.createdAt)}</PanelLink>
                </td>
                <td class="clip">{b.text.replace(/<[^>]*>/g, '')}</td>
                <td>
                  <StatusBadge status={b.status} />
                </td>
                <td>
                  {number(b.sent)} / {number(b.total)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.items.length === 0 && <p class="hint">No broadcasts yet.</p>}
    </Section>
  );
}

function Composer() {
  const { api, navigate } = usePanel();
  const [text, setText] = useState('');
  const [buttonText, setButtonText] = useState('');
  const [buttonUrl, setButtonUrl] = useState('');
  const [photo, setPhoto] = useState('');
  const [filter, setFilter] = useState<BroadcastFilter>({ kind: 'all' });
  const [count, setCount] = useState<{ value?: number; error?: string }>({});
  const { busy, message, run } = useAction();

  const complete = useMemo(() => {
    const f: BroadcastFilter = { kind: filter.kind };
    if (filter.kind === 'active') f.days = filter.days ?? 7;
    if (filter.kind === 'language') f.language = filter.language ?? '';
    if (filter.kind === 'source') f.source = filter.source ?? '';
    if (filter.kind === 'registered_between') Object.assign(f, { from: filter.from, to: filter.to });
    return f;
  }, [filter]);

  // The recipient count follows the filter as it is typed (debounced; a stale answer is dropped).
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.audience(complete).then(
        ({ count }) => live && setCount({ value: count }),
        (e) => live && setCount({ error: e.message }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, complete]);

  const buttons = buttonText.trim() && buttonUrl.trim() ? [[{ text: buttonText.trim(), url: buttonUrl.trim() }]] : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const created = await api.createBroadcast({ text, filter: complete, buttons, ...(photo.trim() ? { media: { type: 'photo', url: photo.trim() } } : {}) });
      navigate(`broadcasts/${created.publicId}`);
    });
  };

  return (
    <Section title="Compose">
      <form class="compose" onSubmit={submit} aria-label="Compose a broadcast">
        <div class="actions">
          <label for="broadcast-text">Message (Telegram HTML: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;…)</label>
          <textarea id="broadcast-text" rows={6} maxLength={4096} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <label for="broadcast-photo">Photo URL (optional; the text becomes its caption)</label>
          <input id="broadcast-photo" type="url" value={photo} onInput={(e) => setPhoto(e.currentTarget.value)} />
          <div class="row">
            <div>
              <label for="broadcast-button-text">Button text (optional)</label>
              <input id="broadcast-button-text" maxLength={64} value={buttonText} onInput={(e) => setButtonText(e.currentTarget.value)} />
            </div>
            <div>
              <label for="broadcast-button-url">Button URL</label>
              <input id="broadcast-button-url" type="url" value={buttonUrl} onInput={(e) => setButtonUrl(e.currentTarget.value)} />
            </div>
          </div>
          <fieldset>
            <legend>Recipients</legend>
            <label for="broadcast-filter">Who receives it</label>
            <select id="broadcast-filter" value={filter.kind} onChange={(e) => setFilter({ kind: e.currentTarget.value })}>
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
            {filter.kind === 'active' && (
              <FilterField
                id="filter-days"
                label="Days"
                type="number"
                value={String(filter.days ?? 7)}
                set={(v) => setFilter({ ...filter, days: Number(v) })}
              />
            )}
            {filter.kind === 'language' && (
              <FilterField
                id="filter-language"
                label="Language (uz, ru, en)"
                value={filter.language ?? ''}
                set={(v) => setFilter({ ...filter, language: v })}
              />
            )}
            {filter.kind === 'source' && (
              <FilterField id="filter-source" label="Ad source" value={filter.source ?? ''} set={(v) => setFilter({ ...filter, source: v })} />
            )}
            {filter.kind === 'registered_between' && (
              <>
                <FilterField id="filter-from" label="From" type="date" value={filter.from ?? ''} set={(v) => setFilter({ ...filter, from: v })} />
                <FilterField id="filter-to" label="To" type="date" value={filter.to ?? ''} set={(v) => setFilter({ ...filter, to: v })} />
              </>
            )}
            <p aria-live="polite" class="count">
              {count.error ? count.error : count.value === undefined ? 'Counting…' : <span data-testid="recipients">{number(count.value)} recipients</span>}
            </p>
          </fieldset>
          <button type="submit" class="primary" disabled={busy}>
            Save draft
          </button>
          <Status message={message} />
        </div>
        <div>
          <h3>Preview</h3>
          <TelegramPreview text={text} photo={photo.trim() || undefined} buttons={buttons} />
        </div>
      </form>
    </Section>
  );
}

function FilterField({
  id,
  label,
  value,
  set,
  type = 'text',
}: {
  id: string;
  label: string;
  value: string;
  set: (value: string) => void;
  type?: 'text' | 'number' | 'date';
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} type={type as 'text'} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </>
  );
}

function BroadcastView({ publicId }: { publicId: string }) {
  const { api, navigate } = usePanel();
  const can = useCan();
  const [broadcast, setBroadcast] = useState<Broadcast>();
  const loaded = useLoad(() => api.broadcast(publicId), [publicId]);
  const { busy, message, run } = useAction();
  const b = broadcast ?? loaded.data;

  // Live progress: poll each second while the broadcast may still move.
  useEffect(() => {
    if (!b || !LIVE.includes(b.status)) return;
    const timer = setTimeout(() => api.broadcast(publicId).then(setBroadcast, () => undefined), 1000);
    return () => clearTimeout(timer);
  }, [api, publicId, b]);

  const act = (action: () => Promise<Broadcast | unknown>, done: string) =>
    run(async () => {
      const result = await action();
      if (result && typeof result === 'object' && 'publicId' in result) setBroadcast(result as Broadcast);
    }, done);

  return (
    <>
      <p>
        <a
          href="/panel/broadcasts"
          onClick={(e) => {
            e.preventDefault();
            navigate('broadcasts');
          }}
        >
          ← All broadcasts
        </a>
      </p>
      <h1>Broadcast {publicId}</h1>
      <Failure error={loaded.error} />
      {!b && !loaded.error && <Loading />}
      {b && (
        <div class="grid-2">
          <Section title="Progress">
            <p>
              Status: <StatusBadge status={b.status} />{' '}
              <span data-testid="broadcast-status" class="visually-hidden">
                {b.status}
              </span>
            </p>
            <progress max={Math.max(b.total, 1)} value={b.sent + b.failed + b.blocked} aria-label="Delivered so far" />
            <dl class="facts" data-testid="progress">
              <dt>Recipients</dt>
              <dd>{number(b.total)}</dd>
              <dt>Sent</dt>
              <dd data-testid="sent">{number(b.sent)}</dd>
              <dt>Failed</dt>
              <dd>{number(b.failed)}</dd>
              <dt>Blocked the bot</dt>
              <dd>{number(b.blocked)}</dd>
              <dt>Pending</dt>
              <dd>{number(b.pending)}</dd>
              <dt>Rate</dt>
              <dd>{b.ratePerSecond.toFixed(1)} / s</dd>
              <dt>Filter</dt>
              <dd>
                {Object.entries(b.filter)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')}
              </dd>
              <dt>Created</dt>
              <dd>{dateTime(b.createdAt)}</dd>
              <dt>Started</dt>
              <dd>{dateTime(b.startedAt)}</dd>
              <dt>Finished</dt>
              <dd>{dateTime(b.finishedAt)}</dd>
            </dl>
            <div class="row">
              <button type="button" disabled={busy} onClick={() => void act(() => api.testBroadcast(publicId), 'Sent to you in Telegram')}>
                Send me a test
              </button>
              {can('admin') && ['draft', 'scheduled'].includes(b.status) && (
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() =>
                    confirm(`Send this to ${b.filter.kind === 'all' ? 'every user' : 'the filtered users'} now?`) &&
                    void act(() => api.startBroadcast(publicId), 'Started')
                  }
                >
                  Start now
                </button>
              )}
              {can('admin') && ['draft', 'scheduled', 'running', 'paused'].includes(b.status) && (
                <button type="button" class="danger" disabled={busy} onClick={() => void act(() => api.cancelBroadcast(publicId), 'Cancelled')}>
                  Cancel
                </button>
              )}
            </div>
            <Status message={message} />
          </Section>
          <Section title="Message">
            <TelegramPreview text={b.text} photo={b.media?.url} buttons={b.buttons} />
          </Section>
        </div>
      )}
    </>
  );
}
