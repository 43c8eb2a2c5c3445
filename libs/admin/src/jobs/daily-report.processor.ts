import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { DomainError, QUEUES, SettingsService } from '@genbot/core';
import { TelegramSender } from '@genbot/telegram';
import { UsersService, preferredLanguage } from '@genbot/users';
import { AdminsService } from '../application/admins.service';
import { DayReportService } from '../application/day-report.service';
import { dayReportText, dueReport } from '../domain/day-report';

/** How often the schedule is checked; the report goes out within this long after admin_report_time. */
export const REPORT_CHECK_EVERY_MS = 60_000;
const KEEP_SECONDS = 3 * 86_400;

/** Jobs of the `admin` queue and their payloads. */
export interface AdminJobMap {
  'admin.report-check': Record<string, never>;
  'admin.daily-report': { day: string; telegramId: string };
}

/**
 * The daily report to every admin. A check runs every minute on one worker (a job scheduler);
 * once the local admin_report_time has passed it enqueues one send per admin under the jobId
 * `daily-report.<day>.<telegramId>`, which BullMQ keeps for three days: however many workers
 * check, each admin gets each day's report once, and a failed send retries on its own.
 */
@Processor(QUEUES.admin)
export class DailyReportProcessor extends WorkerHost {
  private readonly logger = new Logger(DailyReportProcessor.name);

  constructor(
    @InjectQueue(QUEUES.admin) private readonly queue: Queue,
    private readonly reports: DayReportService,
    private readonly admins: AdminsService,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
    private readonly sender: TelegramSender,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    if (job.name === 'admin.report-check') return this.check(new Date());
    if (job.name === 'admin.daily-report') return this.send(job.data as AdminJobMap['admin.daily-report']);
  }

  /** Enqueues today's sends if they are due; a no-op before the time and after they were enqueued. */
  async check(now: Date): Promise<void> {
    const time = String(await this.settings.get('admin_report_time'));
    const timeZone = String(await this.settings.get('timezone'));
    const { due, day } = dueReport(now, time, timeZone);
    if (!due) return;
    const admins = await this.admins.list();
    await this.queue.addBulk(
      admins.map(({ telegramId }) => ({
        name: 'admin.daily-report',
        data: { day, telegramId },
        opts: {
          jobId: `daily-report.${day}.${telegramId}`,
          attempts: 5,
          backoff: { type: 'exponential', delay: 10_000 },
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      })),
    );
  }

  private async send({ day, telegramId }: AdminJobMap['admin.daily-report']): Promise<void> {
    const user = await this.users.findByTelegramId(telegramId);
    const text = dayReportText(preferredLanguage(user, user?.languageCode), await this.reports.figures(day));
    try {
      await this.sender.sendText(telegramId, text);
    } catch (error) {
      // An admin who blocked the bot (or never started it) will not read a retry either.
      if (error instanceof DomainError) throw new UnrecoverableError(error.message);
      throw error;
    }
    this.logger.log({ day, telegramId }, 'daily report sent');
  }
}

/** One report check per minute however many workers start (a BullMQ job scheduler, upserted on boot). */
@Injectable()
export class DailyReportScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DailyReportScheduler.name);

  constructor(@InjectQueue(QUEUES.admin) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.queue
      .upsertJobScheduler(
        'admin.report-check',
        { every: REPORT_CHECK_EVERY_MS },
        { name: 'admin.report-check', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule the daily report'));
  }
}
