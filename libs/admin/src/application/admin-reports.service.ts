import { Injectable } from '@nestjs/common';
import { CacheBus, LayeredCache } from '@genbot/core';
import { DailyCount, DailyGenerations, DailyRevenue, ModelBreakdown, StatsReport, daysFrom, reportSince } from '../domain/reports';
import { AdminReportsRepository } from '../infrastructure/admin-reports.repository';

/**
 * Seed 002's dashboard: stats and charts over the last `days` UTC days. Each answer is kept in
 * Redis for 60 s (seed 002's "admin stats: 1 min"), shared by every admin-api process; the memory
 * layer is off so no process serves one older than that.
 */
@Injectable()
export class AdminReportsService {
  private readonly cache: LayeredCache<unknown>;

  constructor(
    private readonly reports: AdminReportsRepository,
    caches: CacheBus,
  ) {
    this.cache = caches.create({ namespace: 'admin-stats', memoryTtlMs: 0, redisTtlSeconds: 60 });
  }

  stats(days: number): Promise<StatsReport> {
    return this.cached(`stats:${days}`, async () => {
      const since = reportSince(days);
      const [users, generations, revenue] = await Promise.all([
        this.reports.userCounts(since),
        this.reports.generationsByStatus(since),
        this.reports.revenue(since),
      ]);
      const count = (...statuses: string[]) => generations.filter((g) => statuses.includes(g.status)).reduce((sum, g) => sum + g.count, 0);
      return {
        days,
        since: since.toISOString(),
        users,
        generations: {
          total: count('waiting_payment', 'queued', 'running', 'succeeded', 'failed', 'cancelled'),
          completed: count('succeeded'),
          failed: count('failed'),
          running: count('waiting_payment', 'queued', 'running'),
          creditsCharged: generations.filter((g) => g.status === 'succeeded').reduce((sum, g) => sum + g.credits, 0),
        },
        payments: { count: revenue.reduce((sum, r) => sum + r.count, 0), revenue },
      };
    });
  }

  usersDaily(days: number): Promise<DailyCount[]> {
    return this.cached(`users-daily:${days}`, async () => {
      const since = reportSince(days);
      const counts = await this.reports.usersDaily(since);
      return daysFrom(since).map((day) => ({ day, count: counts.get(day) ?? 0 }));
    });
  }

  generationsDaily(days: number): Promise<DailyGenerations[]> {
    return this.cached(`generations-daily:${days}`, async () => {
      const since = reportSince(days);
      const rows = new Map((await this.reports.generationsDaily(since)).map((row) => [row.day, row]));
      return daysFrom(since).map((day) => rows.get(day) ?? { day, total: 0, completed: 0, failed: 0 });
    });
  }

  /** Per day and currency; days without a payment are left out (a currency has no zero of its own). */
  revenueDaily(days: number): Promise<DailyRevenue[]> {
    return this.cached(`revenue-daily:${days}`, () => this.reports.revenueDaily(reportSince(days)));
  }

  modelsBreakdown(days: number): Promise<ModelBreakdown[]> {
    return this.cached(`models-breakdown:${days}`, () => this.reports.modelsBreakdown(reportSince(days)));
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return (await this.cache.get(key, load)) as T;
  }
}
