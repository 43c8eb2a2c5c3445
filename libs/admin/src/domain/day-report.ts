import type { Language } from '@genbot/users';

/** One day's figures: the bot's /stats and the admins' daily report (seed 000's statistics, seed 002's report). */
export interface DayReport {
  day: string;
  newUsers: number;
  activeUsers: number;
  creditsSpent: number;
  generations: number;
  payments: { currency: string; count: number; amountMinor: number; credits: number }[];
}

/** Operator settings of the daily report: when it is sent (in the platform's `timezone` setting). */
export const ADMIN_SETTING_DEFAULTS = {
  /** Local `HH:MM` at which every admin gets the previous day's report. */
  admin_report_time: '09:00',
};

/** Stars have no minor unit; kopecks and cents are hundredths. */
const money = (amountMinor: number, currency: string) => (currency === 'XTR' ? `${amountMinor} ⭐` : `${(amountMinor / 100).toFixed(2)} ${currency}`);
const paymentsLine = (r: DayReport, none: string) =>
  r.payments.length === 0 ? none : r.payments.map((p) => `${p.count} × ${p.currency}: ${money(p.amountMinor, p.currency)} (+${p.credits})`).join('; ');

const RENDER: Record<Language, (r: DayReport) => string> = {
  en: (r) =>
    `📊 Statistics for ${r.day}\n👤 New users: ${r.newUsers}\n🔥 Active users: ${r.activeUsers}\n` +
    `💸 Credits spent: ${r.creditsSpent}\n🎨 Paid generations: ${r.generations}\n💳 Payments: ${paymentsLine(r, 'none')}`,
  ru: (r) =>
    `📊 Статистика за ${r.day}\n👤 Новые пользователи: ${r.newUsers}\n🔥 Активные пользователи: ${r.activeUsers}\n` +
    `💸 Потрачено кредитов: ${r.creditsSpent}\n🎨 Платных генераций: ${r.generations}\n💳 Платежи: ${paymentsLine(r, 'нет')}`,
  uz: (r) =>
    `📊 ${r.day} statistikasi\n👤 Yangi foydalanuvchilar: ${r.newUsers}\n🔥 Faol foydalanuvchilar: ${r.activeUsers}\n` +
    `💸 Sarflangan kreditlar: ${r.creditsSpent}\n🎨 Pullik generatsiyalar: ${r.generations}\n💳 To'lovlar: ${paymentsLine(r, "yo'q")}`,
};

export function dayReportText(language: Language, report: DayReport): string {
  return RENDER[language](report);
}

/**
 * Whether the report is due at `now` in `timeZone`, and for which day: at or after `time` on a
 * local date, the report covers the local date before it.
 */
export function dueReport(now: Date, time: string, timeZone: string): { due: boolean; day: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  const today = `${parts.year}-${parts.month}-${parts.day}`;
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return { due: `${parts.hour}:${parts.minute}` >= time, day: yesterday };
}
