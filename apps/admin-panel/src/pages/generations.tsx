import { useState } from 'preact/hooks';
import type { Generation } from '../api';
import { Failure, Loading, Pager, Section, Status, StatusBadge, dateTime, number, useAction, useCan, useLoad, PanelLink, usePanel } from '../ui';

const STATUSES = ['waiting_payment', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Every generation, filtered by status; the generation queue's counts; refunds for admins. */
export function GenerationsPage() {
  const { api } = usePanel();
  const can = useCan();
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api.generations(status, offset), [status, offset]);
  const queue = useLoad(() => api.queue());
  return (
    <>
      <h1>Generations</h1>
      <Section
        title="Queue"
        actions={
          <button type="button" onClick={queue.reload}>
            Refresh
          </button>
        }
      >
        <Failure error={queue.error} />
        {queue.data ? (
          <div class="grid-2">
            <Counts title="Jobs (BullMQ)" counts={queue.data.jobs} />
            <Counts title="Unfinished generations" counts={queue.data.generations} />
          </div>
        ) : (
          !queue.error && <Loading />
        )}
      </Section>
      <div class="row filters">
        <label class="inline" for="generation-status">
          Status
        </label>
        <select
          id="generation-status"
          value={status}
          onChange={(e) => {
            setOffset(0);
            setStatus(e.currentTarget.value);
          }}
        >
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <Failure error={list.error} />
      {list.data ? (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">User</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Price</th>
                <th scope="col">Error</th>
                {can('admin') && <th scope="col">Refund</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((g) => (
                <tr key={g.id} data-generation={g.id}>
                  <td>{dateTime(g.createdAt)}</td>
                  <td>
                    <PanelLink to={`users/${g.userTelegramId}`} class="mono">
                      {g.userTelegramId}
                    </PanelLink>
                  </td>
                  <td>
                    {g.model} <span class="hint">{g.mode}</span>
                  </td>
                  <td>
                    <StatusBadge status={g.status} />
                  </td>
                  <td>{g.isTrial ? 'trial' : number(g.priceCredits)}</td>
                  <td class="clip">{g.error ?? ''}</td>
                  {can('admin') && (
                    <td>
                      <Refund generation={g} onDone={list.reload} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && <p class="hint">No generations.</p>}
          <Pager {...list.data} onPage={setOffset} />
        </>
      ) : (
        !list.error && <Loading />
      )}
    </>
  );
}

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  return (
    <div>
      <h3>{title}</h3>
      <dl class="facts">
        {Object.entries(counts).map(([name, count]) => [<dt key={`${name}-t`}>{name.replace('_', ' ')}</dt>, <dd key={`${name}-d`}>{number(count)}</dd>])}
      </dl>
    </div>
  );
}

/** Gives a generation's credits back (admins); shown once it has a price to give back. */
export function Refund({ generation, onDone }: { generation: Generation; onDone: () => void }) {
  const { api } = usePanel();
  const { busy, message, run } = useAction();
  if (generation.refundedCredits > 0) return <span class="hint">refunded {number(generation.refundedCredits)}</span>;
  if (generation.isTrial || generation.priceCredits === 0) return null;
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          if (confirm(`Give back ${generation.priceCredits} credits to ${generation.userTelegramId}?`))
            void run(() => api.refundGeneration(generation.id, 'refunded from the admin panel'), 'Refunded').then((ok) => ok && onDone());
        }}
      >
        Refund
      </button>
      {message?.kind === 'error' && <Status message={message} />}
    </>
  );
}
