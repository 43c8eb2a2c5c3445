/** Seed 002's dashboard figures: what the operators' charts and lists show. */

export const REPORT_MAX_DAYS = 365;
export const LIST_MAX_LIMIT = 200;

export interface StatsReport {
  days: number;
  since: string;
  users: { total: number; new: number; active: number };
  generations: { total: number; completed: number; failed: number; running: number; creditsCharged: number };
  payments: { count: number; revenue: { currency: string; amountMinor: number; credits: number; count: number }[] };
}

export interface DailyCount {
  day: string;
  count: number;
}

export interface DailyGenerations {
  day: string;
  total: number;
  completed: number;
  failed: number;
}

export interface DailyRevenue {
  day: string;
  currency: string;
  count: number;
  amountMinor: number;
  credits: number;
  refundedMinor: number;
}

export interface ModelBreakdown {
  slug: string;
  name: string;
  total: number;
  completed: number;
  failed: number;
  credits: number;
}

export interface AdminGenerationRow {
  id: string;
  userTelegramId: string;
  model: string;
  mode: string;
  status: string;
  priceCredits: number;
  isTrial: boolean;
  error: string | null;
  refundedCredits: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface AdminPaymentRow {
  id: string;
  userTelegramId: string;
  provider: string;
  externalId: string | null;
  status: string;
  amountMinor: number;
  currency: string;
  credits: number;
  refundStatus: string | null;
  refundedMinor: number;
  refundedCredits: number;
  createdAt: Date;
  succeededAt: Date | null;
  refundedAt: Date | null;
}

/** UTC midnight `days - 1` days before today: a 1-day report is today so far. */
export function reportSince(days: number, now = new Date()): Date {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  since.setUTCDate(since.getUTCDate() - (days - 1));
  return since;
}

/** Every UTC day from `since` to today, so a chart shows days without rows as zeros. */
export function daysFrom(since: Date, now = new Date()): string[] {
  const days: string[] = [];
  for (const day = new Date(since); day <= now; day.setUTCDate(day.getUTCDate() + 1)) days.push(day.toISOString().slice(0, 10));
  return days;
}
