import { useState } from 'preact/hooks';
import { Failure, Loading, Status, useAction, useCan, useLoad, usePanel } from '../ui';

/** Seed 002's system settings: one field per key, typed by its current value (the API takes only its default's type). */
export function SettingsPage() {
  const { api } = usePanel();
  const settings = useLoad(() => api.settings());
  return (
    <>
      <h1>Settings</h1>
      <Failure error={settings.error} />
      {settings.data ? <SettingsForm values={settings.data} onSaved={settings.reload} /> : !settings.error && <Loading />}
    </>
  );
}

type Draft = Record<string, string | boolean>;

const toDraft = (value: unknown): string | boolean =>
  typeof value === 'boolean' ? value : typeof value === 'number' || typeof value === 'string' ? String(value) : JSON.stringify(value, null, 2);

function parse(original: unknown, draft: string | boolean, key: string): unknown {
  if (typeof original === 'boolean') return draft;
  if (typeof original === 'number') {
    const n = Number(draft);
    if (draft === '' || !Number.isFinite(n)) throw new Error(`${key}: must be a number`);
    return n;
  }
  if (typeof original === 'string') return draft;
  try {
    return JSON.parse(String(draft));
  } catch {
    throw new Error(`${key}: must be valid JSON`);
  }
}

function SettingsForm({ values, onSaved }: { values: Record<string, unknown>; onSaved: () => void }) {
  const { api } = usePanel();
  const can = useCan();
  const editable = can('admin');
  const [draft, setDraft] = useState<Draft>(() => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toDraft(v)])));
  const { busy, message, run } = useAction();
  const keys = Object.keys(values).sort();

  const save = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      // Only what changed is sent: the audit row then names exactly those keys.
      const changed: Record<string, unknown> = {};
      for (const key of keys) if (draft[key] !== toDraft(values[key])) changed[key] = parse(values[key], draft[key], key);
      if (Object.keys(changed).length === 0) throw new Error('Nothing changed');
      await api.saveSettings(changed);
      onSaved();
    }, 'Saved');
  };

  return (
    <form onSubmit={save} class="settings" aria-label="Settings">
      {!editable && <p class="hint">Your role may read the settings; changing them needs the admin role.</p>}
      <div class="settings-grid">
        {keys.map((key) => {
          const value = values[key];
          const id = `setting-${key}`;
          const label = key.replace(/_/g, ' ');
          if (typeof value === 'boolean')
            return (
              <div class="setting" key={key}>
                <label class="inline" for={id}>
                  <input
                    id={id}
                    type="checkbox"
                    disabled={!editable}
                    checked={draft[key] as boolean}
                    onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.checked })}
                  />{' '}
                  {label}
                </label>
                <code class="hint">{key}</code>
              </div>
            );
          const isJson = typeof value !== 'number' && typeof value !== 'string';
          return (
            <div class="setting" key={key}>
              <label for={id}>{label}</label>
              {isJson ? (
                <textarea
                  id={id}
                  rows={4}
                  disabled={!editable}
                  value={draft[key] as string}
                  onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
                />
              ) : typeof value === 'number' ? (
                <input
                  id={id}
                  type="number"
                  step={Number.isInteger(value) ? 1 : 'any'}
                  disabled={!editable}
                  value={draft[key] as string}
                  onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
                />
              ) : (
                <input
                  id={id}
                  type="text"
                  disabled={!editable}
                  value={draft[key] as string}
                  onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
                />
              )}
              <code class="hint">{key}</code>
            </div>
          );
        })}
      </div>
      {editable && (
        <div class="save-actions">
          <button type="submit" class="primary" disabled={busy}>
            Save changes
          </button>
          <Status message={message} />
        </div>
      )}
    </form>
  );
}
