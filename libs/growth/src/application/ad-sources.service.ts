import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { addDays, isTimeZone, localDay, startOfLocalDay } from '../domain/daily-bonus';
import { invalidDayRange } from '../domain/growth.errors';
import { AdSourcesRepository } from '../infrastructure/ad-sources.repository';
import { GrowthClock } from './growth-clock';

export interface SourceDayStats {
  /** The `src_` tag; null for users who came without one. */
  source: string | null;
  /** Registration day (YYYY-MM-DD) in the `timezone` setting. */
  day: string;
  registrations: number;
  /** Of those registrations, users with a finished generation. */
  generated: number;
  /** Of those registrations, users with a succeeded payment. */
  payers: number;
  /** Their payments net of refunds, minor units per currency (XTR in Stars). */
  revenue: Record<string, number>;
}

const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;

export interface SourceStatsReport {
  /** The days reported, YYYY-MM-DD in `timeZone`, inclusive. */
  from: string;
  to: string;
  timeZone: string;
  /** Per source and day with at least one registration, by day then source. */
  rows: SourceDayStats[];
}

/** Per ad source and registration day: registrations, users who generated, payers, revenue (for the admin API's `/admin/sources`). */
@Injectable()
export class AdSourcesService {
  constructor(
    private readonly repository: AdSourcesRepository,
    private readonly settings: SettingsService,
    private readonly clock: GrowthClock,
  ) {}

  /**
   * Days `from`..`to` inclusive (YYYY-MM-DD, local to the `timezone` setting; by default the 30
   * days up to today), optionally one source.
   */
  async report(input: { from?: string; to?: string; source?: string }): Promise<SourceStatsReport> {
    const zone = await this.settings.get('timezone');
    const timeZone = typeof zone === 'string' && isTimeZone(zone) ? zone : 'UTC';
    const to = input.to ?? localDay(this.clock.now(), timeZone);
    const from = input.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    return { from, to, timeZone, rows: await this.stats({ from, to, source: input.source }) };
  }

  /** Days `from`..`to` inclusive (YYYY-MM-DD, local to the `timezone` setting), optionally one source. */
  async stats(input: { from: string; to: string; source?: string }): Promise<SourceDayStats[]> {
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (!day.test(input.from) || !day.test(input.to) || input.from > input.to || Number.isNaN(Date.parse(input.from)) || Number.isNaN(Date.parse(input.to)))
      throw invalidRange(input);
    if (Date.parse(input.to) - Date.parse(input.from) > MAX_DAYS * 86_400_000) throw invalidRange(input);
    const zone = await this.settings.get('timezone');
    const timeZone = typeof zone === 'string' && isTimeZone(zone) ? zone : 'UTC';
    const [from, to] = [startOfLocalDay(input.from, timeZone), startOfLocalDay(addDays(input.to, 1), timeZone)];
    const [cohorts, revenue] = await Promise.all([
      this.repository.cohorts(from, to, timeZone, input.source),
      this.repository.revenue(from, to, timeZone, input.source),
    ]);
    const byKey = new Map(cohorts.map((row) => [`${row.source ?? ''}\u0000${row.day}`, { ...row, revenue: {} as Record<string, number> }]));
    for (const row of revenue) {
      const stats = byKey.get(`${row.source ?? ''}\u0000${row.day}`);
      if (stats) stats.revenue[row.currency] = row.amountMinor;
    }
    return [...byKey.values()];
  }
}

function invalidRange(input: { from: string; to: string }) {
  return invalidDayRange({ from: input.from, to: input.to });
}
