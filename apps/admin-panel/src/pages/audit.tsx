import { useEffect, useState } from 'preact/hooks';
import type { AuditRecord } from '../api';
import { Loading, Status, dateTime, useAction, usePanel } from '../ui';

type Filter = { actor?: string; action?: string; target?: string };

/** The append-only audit log, newest first, filtered by who, what and on what; "Older" follows the cursor. */
export function AuditPage() {
  const { api } = usePanel();
  const [draft, setDraft] = useState<Filter>({});
  const [filter, setFilter] = useState<Filter>({});
  const [rows, setRows] = useState<AuditRecord[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const { message, run } = useAction();

  const load = (from?: string) =>
    run(async () => {
      const page = await api.audit({ ...filter, cursor: from });
      setRows(from ? [...(rows ?? []), ...page.items] : page.items);
      setCursor(page.nextCursor);
    });
  useEffect(() => void load(), [filter]);

  const field = (key: keyof Filter, label: string, placeholder: string) => (
    <div>
      <label for={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        placeholder={placeholder}
        value={draft[key] ?? ''}
        onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value.trim() || undefined })}
      />
    </div>
  );

  return (
    <>
      <h1>Audit log</h1>
      <form
        class="row filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        {field('actor', 'Admin (Telegram id)', '123456789')}
        {field('action', 'Action', 'credits.transfer')}
        {field('target', 'Target', 'user:123456789')}
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <Status message={message} />
      {!rows && !message && <Loading />}
      {rows && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Admin</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{dateTime(r.createdAt)}</td>
                <td>
                  <span class="mono">{r.actorTelegramId}</span> <span class="hint">{r.actorRole}</span>
                </td>
                <td class="mono">{r.action}</td>
                <td class="mono">
                  {r.targetType}:{r.targetId}
                </td>
                <td>
                  <details>
                    <summary>before / after</summary>
                    <pre>{JSON.stringify({ before: r.before, after: r.after }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows?.length === 0 && <p class="hint">Nothing recorded.</p>}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Older
        </button>
      )}
    </>
  );
}
