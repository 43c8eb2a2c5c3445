import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'preact/hooks';
import type { DailyRevenue, Stats } from '../api';
import { ChartView, PALETTE } from '../chart';
import { Failure, Loading, Section, number, useLoad, usePanel } from '../ui';

interface DailyCount {
  day: string;
  count: number;
}
interface DailyGenerations {
  day: string;
  total: number;
  completed: number;
  failed: number;
}
interface ModelBreakdown {
  slug: string;
  name: string;
  total: number;
  completed: number;
  failed: number;
  credits: number;
}

const PERIODS = [7, 30, 90];

/** Seed 002's dashboard: the period's totals and the four charts (users, generations, revenue per day; generations per model). */
export function DashboardPage() {
  const { api } = usePanel();
  const [days, setDays] = useState(30);
  const stats = useLoad(() => api.stats(days), [days]);
  const charts = useLoad(
    () =>
      Promise.all([
        api.chart<DailyCount>('users-daily', days),
        api.chart<DailyGenerations>('generations-daily', days),
        api.chart<DailyRevenue>('revenue-daily', days),
        api.chart<ModelBreakdown>('models-breakdown', days),
      ]),
    [days],
  );
  const [users, generations, revenue, models] = charts.data ?? [];

  const configs = useMemo(() => {
    if (!users || !generations || !revenue || !models) return null;
    const currencies = [...new Set(revenue.map((r) => r.currency))];
    // Revenue rows exist only for days with payments; the users' series has every day of the period.
    const revenueDays = [...new Set([...users.map((d) => d.day), ...revenue.map((r) => r.day)])].sort();
    return {
      users: line(
        users.map((d) => d.day),
        [{ label: 'New users', data: users.map((d) => d.count) }],
      ),
      generations: {
        type: 'bar',
        data: {
          labels: generations.map((d) => d.day.slice(5)),
          datasets: [
            { label: 'Completed', data: generations.map((d) => d.completed), backgroundColor: PALETTE[1] },
            { label: 'Failed', data: generations.map((d) => d.failed), backgroundColor: PALETTE[2] },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      } as ChartConfiguration,
      revenue: line(
        revenueDays,
        currencies.map((currency) => ({
          label: currency,
          data: revenueDays.map((day) => revenue.filter((r) => r.day === day && r.currency === currency).reduce((sum, r) => sum + r.amountMinor, 0)),
        })),
      ),
      models: {
        type: 'doughnut',
        data: {
          labels: models.map((m) => m.name),
          datasets: [
            { label: 'Generations', data: models.map((m) => m.total), backgroundColor: models.map((_, i) => PALETTE[i % PALETTE.length]), borderWidth: 0 },
          ],
        },
        options: { plugins: { legend: { position: 'right' } } },
      } as ChartConfiguration,
    };
  }, [users, generations, revenue, models]);

  const s: Stats | undefined = stats.data;
  return (
    <>
      <div class="page-head">
        <h1>Dashboard</h1>
        <label class="inline">
          Period{' '}
          <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
      </div>
      <Failure error={stats.error ?? charts.error} />
      {s ? (
        <dl class="tiles" data-testid="stats">
          <Tile label="Users" value={number(s.users.total)} note={`${number(s.users.new)} new · ${number(s.users.active)} active`} />
          <Tile
            label="Generations"
            value={number(s.generations.total)}
            note={`${number(s.generations.completed)} done · ${number(s.generations.failed)} failed`}
          />
          <Tile label="Running now" value={number(s.generations.running)} note="waiting, queued or running" />
          <Tile label="Credits charged" value={number(s.generations.creditsCharged)} note="completed, non-trial" />
          <Tile
            label="Payments"
            value={number(s.payments.count)}
            note={s.payments.revenue.map((r) => `${number(r.amountMinor)} ${r.currency}`).join(' · ') || 'no revenue'}
          />
        </dl>
      ) : (
        !stats.error && <Loading />
      )}
      {configs && (
        <div class="charts">
          <Section title="New users per day">
            <ChartView config={configs.users} label={`New users per day, ${users!.reduce((a, d) => a + d.count, 0)} in ${days} days`} />
          </Section>
          <Section title="Generations per day">
            <ChartView config={configs.generations} label={`Generations per day, completed and failed, over ${days} days`} />
          </Section>
          <Section title="Revenue per day">
            {revenue!.some((r) => r.amountMinor > 0) ? (
              <ChartView config={configs.revenue} label={`Revenue per day by currency, in minor units, over ${days} days`} />
            ) : (
              <p class="hint empty-chart">No payments in these {days} days.</p>
            )}
          </Section>
          <Section title="Generations by model">
            {models!.some((m) => m.total > 0) ? (
              <ChartView config={configs.models} label={`Generations by model: ${models!.map((m) => `${m.name} ${m.total}`).join(', ')}`} />
            ) : (
              <p class="hint empty-chart">No generations in these {days} days.</p>
            )}
          </Section>
        </div>
      )}
    </>
  );
}

function Tile({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div class="tile">
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        <span class="hint">{note}</span>
      </dd>
    </div>
  );
}

function line(days: string[], series: { label: string; data: number[] }[]): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: days.map((d) => d.slice(5)),
      datasets: series.map((s, i) => ({ ...s, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.25 })),
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
}
