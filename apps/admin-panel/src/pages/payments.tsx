import { useState } from 'preact/hooks';
import type { Payment } from '../api';
import { Failure, Loading, Pager, Section, Status, StatusBadge, dateTime, number, useAction, useCan, useLoad, PanelLink, usePanel } from '../ui';

const STATUSES = ['pending', 'succeeded', 'canceled', 'expired'];

/** Payments with their refunds, filtered by status; revenue per day; refunds for admins. */
export function PaymentsPage() {
  const { api } = usePanel();
  const can = useCan();
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => api.payments(status, offset), [status, offset]);
  const daily = useLoad(() => api.dailyPayments(14));
  return (
    <>
      <h1>Payments</h1>
      <div class="row filters">
        <label class="inline" for="payment-status">
          Status
        </label>
        <select
          id="payment-status"
          value={status}
          onChange={(e) => {
            setOffset(0);
            setStatus(e.currentTarget.value);
          }}
        >
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
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
                <th scope="col">Provider</th>
                <th scope="col">Amount</th>
                <th scope="col">Credits</th>
                <th scope="col">Status</th>
                <th scope="col">Refund</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id}>
                  <td>{dateTime(p.createdAt)}</td>
                  <td>
                    <PanelLink to={`users/${p.userTelegramId}`} class="mono">
                      {p.userTelegramId}
                    </PanelLink>
                  </td>
                  <td>{p.provider}</td>
                  <td>
                    {number(p.amountMinor)} {p.currency}
                  </td>
                  <td>{number(p.credits)}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>
                    {p.refundStatus
                      ? `${p.refundStatus} (${number(p.refundedMinor)} ${p.currency})`
                      : can('admin') && <Refund payment={p} onDone={list.reload} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && <p class="hint">No payments.</p>}
          <Pager {...list.data} onPage={setOffset} />
        </>
      ) : (
        !list.error && <Loading />
      )}
      <Section title="Daily revenue (14 days)">
        <Failure error={daily.error} />
        {daily.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Currency</th>
                <th scope="col">Payments</th>
                <th scope="col">Amount</th>
                <th scope="col">Refunded</th>
                <th scope="col">Credits</th>
              </tr>
            </thead>
            <tbody>
              {daily.data
                .filter((d) => d.count > 0 || d.refundedMinor > 0)
                .map((d) => (
                  <tr key={`${d.day}-${d.currency}`}>
                    <td>{d.day}</td>
                    <td>{d.currency}</td>
                    <td>{number(d.count)}</td>
                    <td>{number(d.amountMinor)}</td>
                    <td>{number(d.refundedMinor)}</td>
                    <td>{number(d.credits)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
        {daily.data && !daily.data.some((d) => d.count > 0) && <p class="hint">No revenue in these days.</p>}
      </Section>
    </>
  );
}

function Refund({ payment, onDone }: { payment: Payment; onDone: () => void }) {
  const { api } = usePanel();
  const [force, setForce] = useState(false);
  const { busy, message, run } = useAction();
  if (payment.status !== 'succeeded') return null;
  return (
    <div class="row">
      <label class="inline small">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> even if spent
      </label>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          if (confirm(`Refund ${payment.amountMinor} ${payment.currency} to ${payment.userTelegramId}?`))
            void run(() => api.refundPayment(payment.id, force), 'Refund requested').then((ok) => ok && onDone());
        }}
      >
        Refund
      </button>
      {message?.kind === 'error' && <Status message={message} />}
    </div>
  );
}
