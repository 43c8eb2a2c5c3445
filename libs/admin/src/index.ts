/** Operators: admin roles (owner / admin / support) and the append-only audit log of their changes. */
export * from './admin.module';
/** One day's figures (the bot's /stats, the daily report) and how an admin reads them. */
export * from './day-report.module';
export * from './application/day-report.service';
export * from './domain/day-report';
export { AdminJobsModule } from './admin.module';
export { DailyReportProcessor } from './jobs/daily-report.processor';
export * from './application/admins.service';
export * from './application/admin-audit.service';
export * from './application/admin-users.service';
export * from './application/admin-credits.service';
export * from './domain/admin-role';
export * from './domain/audit-entry';
/** Error codes → HTTP statuses, for admin-api's `createHttpApp`. */
export * from './domain/admin.errors';
/** Seed 002's dashboards, generations, models, payments and settings for operators. */
export * from './application/admin-reports.service';
export * from './application/admin-generations.service';
export * from './application/admin-models.service';
export * from './application/admin-payments.service';
export * from './application/admin-settings.service';
/** Lotteries and ad-source figures for operators. */
export * from './application/admin-growth.service';
export * from './domain/reports';
export * from './domain/admin-ops.errors';
