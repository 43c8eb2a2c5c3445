import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AdminsService, DailyReportProcessor, dueReport } from '@genbot/admin';
import { QUEUES, SettingsService } from '@genbot/core';
import { FakeTelegramApi, createIntegrationModule, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

/** Issue 11: the daily report reaches every admin once a day, however many workers run. */
describe('worker: the daily report', () => {
  const owners = [uniqueTelegramId(), uniqueTelegramId()];
  const support = uniqueTelegramId();
  let telegram: FakeTelegramApi;
  let workers: NestFastifyApplication[];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    // Due all day long, so the check's outcome does not depend on when the test runs. Stored before
    // the workers boot: each runs its scheduled check at once, and one that read the defaults
    // (09:00 UTC) would report another day from 19:00 to 24:00 UTC, Tashkent being a day ahead.
    const context = await createIntegrationModule([]);
    await context.get(SettingsService).set({ admin_report_time: '00:00', timezone: 'Asia/Tashkent' });
    await context.close();
    const config = testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: owners.join(',') });
    workers = [await bootstrapWorker(config, { port: 0 }), await bootstrapWorker(config, { port: 0 })];
    await workers[0]!.get(AdminsService).add({ telegramId: String(owners[0]), role: 'owner' }, String(support), 'support');
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await telegram.close();
  });

  it('sends each admin (configured owners and those in the admins table) one report for the day, with two workers checking', async () => {
    const now = new Date();
    // Both workers check, twice each, at once: as replicas whose schedules overlap would.
    await Promise.all(workers.flatMap((worker) => [worker.get(DailyReportProcessor).check(now), worker.get(DailyReportProcessor).check(now)]));
    const { day } = dueReport(now, '00:00', 'Asia/Tashkent');
    const queue = workers[0]!.get<string, Queue>(getQueueToken(QUEUES.admin));
    const recipients = [...owners, support].map(String);
    for (const telegramId of recipients) {
      const job = await queue.getJob(`daily-report.${day}.${telegramId}`);
      expect(job).toBeDefined();
      // Waits for the job to be processed (a condition, not a deadline); jest's timeout bounds it.
      while (!(await queue.getJob(job!.id!))!.finishedOn) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await queue.getJobState(job!.id!)).toBe('completed');
    }
    for (const telegramId of recipients) {
      const sent = telegram.calls('sendMessage').filter((call) => String((call.params as { chat_id: unknown }).chat_id) === telegramId);
      expect(sent).toHaveLength(1);
      expect((sent[0]!.params as { text: string }).text).toContain(`📊`);
      expect((sent[0]!.params as { text: string }).text).toContain(day);
    }
  });
});
