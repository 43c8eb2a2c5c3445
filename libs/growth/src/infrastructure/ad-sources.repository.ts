import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SourceDayRow {
  source: string | null;
  day: string;
  registrations: number;
  generated: number;
  payers: number;
}

export interface SourceDayRevenueRow {
  source: string | null;
  day: string;
  currency: string;
  amountMinor: number;
}

/**
 * Ad sources by registration cohort: users who arrived from a source on a day (in `timeZone`), and
 * what those users did since. Reads users by created_at (users_created_at_idx).
 */
@Injectable()
export class AdSourcesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async cohorts(from: Date, to: Date, timeZone: string, source?: string): Promise<SourceDayRow[]> {
    const rows: { source: string | null; day: string; registrations: number; generated: number; payers: number }[] = await this.dataSource.query(
      `SELECT u.advertising_source AS source, to_char(u.created_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
              count(*)::int AS registrations,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM generations g WHERE g.user_id = u.id AND g.status = 'succeeded'))::int AS generated,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM payments p WHERE p.user_id = u.id AND p.status = 'succeeded'))::int AS payers
         FROM users u
        WHERE u.created_at >= $1 AND u.created_at < $2 AND ($4::text IS NULL OR u.advertising_source = $4)
        GROUP BY 1, 2 ORDER BY 2, 1 NULLS FIRST`,
      [from, to, timeZone, source ?? null],
    );
    return rows;
  }

  /** Succeeded payments of those cohorts, net of refunds, per currency (minor units). */
  async revenue(from: Date, to: Date, timeZone: string, source?: string): Promise<SourceDayRevenueRow[]> {
    const rows: { source: string | null; day: string; currency: string; amount: string }[] = await this.dataSource.query(
      `SELECT u.advertising_source AS source, to_char(u.created_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, p.currency,
              sum(p.amount_minor - p.refunded_minor) AS amount
         FROM users u JOIN payments p ON p.user_id = u.id AND p.status = 'succeeded'
        WHERE u.created_at >= $1 AND u.created_at < $2 AND ($4::text IS NULL OR u.advertising_source = $4)
        GROUP BY 1, 2, 3`,
      [from, to, timeZone, source ?? null],
    );
    return rows.map((row) => ({ source: row.source, day: row.day, currency: row.currency, amountMinor: Number(row.amount) }));
  }
}
