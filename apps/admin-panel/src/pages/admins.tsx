import { useState } from 'preact/hooks';
import type { Role } from '../api';
import { Failure, Loading, Section, Status, dateTime, useAction, useLoad, usePanel } from '../ui';

const ROLES: Role[] = ['support', 'admin', 'owner'];

/** Owners only: who may use the panel, with which role. Owners from ADMIN_TELEGRAM_IDS are changed only in the config. */
export function AdminsPage() {
  const { api, admin } = usePanel();
  const list = useLoad(() => api.admins());
  const [telegramId, setTelegramId] = useState('');
  const [role, setRole] = useState<Role>('support');
  const add = useAction();
  const change = useAction();
  return (
    <>
      <h1>Admins</h1>
      <p class="hint">support reads and bans; admin also moves credits, edits models, prices and settings and sends broadcasts; owner manages admins.</p>
      <Failure error={list.error} />
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Telegram id</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.telegramId}>
                <td class="mono">
                  {a.telegramId}
                  {a.telegramId === admin.telegramId && ' (you)'}
                </td>
                <td>
                  {a.source === 'config' ? (
                    <>
                      {a.role} <span class="hint">(ADMIN_TELEGRAM_IDS)</span>
                    </>
                  ) : (
                    <select
                      aria-label={`Role of ${a.telegramId}`}
                      value={a.role}
                      onChange={(e) => void change.run(() => api.changeRole(a.telegramId, e.currentTarget.value as Role), 'Role changed').then(list.reload)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  {dateTime(a.createdAt)}
                  {a.addedBy && <span class="hint"> by {a.addedBy}</span>}
                </td>
                <td>
                  {a.source === 'api' && (
                    <button
                      type="button"
                      class="danger"
                      onClick={() => confirm(`Remove ${a.telegramId}?`) && void change.run(() => api.removeAdmin(a.telegramId), 'Removed').then(list.reload)}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Status message={change.message} />
      <Section title="Add an admin">
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(() => api.addAdmin(telegramId.trim(), role), 'Added').then((ok) => ok && (setTelegramId(''), list.reload()));
          }}
        >
          <div>
            <label for="admin-id">Telegram id</label>
            <input id="admin-id" inputMode="numeric" pattern="[0-9]{1,19}" required value={telegramId} onInput={(e) => setTelegramId(e.currentTarget.value)} />
          </div>
          <div>
            <label for="admin-role">Role</label>
            <select id="admin-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary" disabled={add.busy}>
            Add
          </button>
        </form>
        <Status message={add.message} />
      </Section>
    </>
  );
}
