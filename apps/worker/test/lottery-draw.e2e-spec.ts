import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { GROWTH_QUEUE, LotteriesService, drawWinners } from '@genbot/growth';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { FakeTelegramApi, TEST_REDIS_URL, eventually, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

describe('worker: lottery draw', () => {
  let telegram: FakeTelegramApi;
  let apps: NestFastifyApplication[];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    const config = testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
    // Two workers, as two replicas would run.
    apps = [await bootstrapWorker(config, { port: 0 }), await bootstrapWorker(config, { port: 0 })];
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await telegram.close();
  });

  it('schedules the draw tick; ticks on two workers draw an ended lottery once, pay the winner and tell them in their language', async () => {
    const [app] = apps;
    const queue = app.get<Queue>(getQueueToken(GROWTH_QUEUE));
    const schedulers = await eventually(
      async () => (await queue.getJobSchedulers()).filter((s) => s.key === 'growth.draw-lotteries'),
      (found) => found.length > 0,
      5000,
      50,
    );
    expect(schedulers[0]).toMatchObject({ key: 'growth.draw-lotteries', every: 60_000 });

    const db = app.get(DataSource);
    const newUser = async (referrerId: string | null, language: string | null) => {
      const telegramId = uniqueTelegramId();
      const [row]: { id: string }[] = await db.query(
        `INSERT INTO users (telegram_id, referral_code, referrer_id, language) VALUES ($1, $2, $3, $4) RETURNING id`,
        [telegramId, randomUUID().slice(0, 12), referrerId, language],
      );
      return { id: row.id, telegramId };
    };
    const lottery = await app.get(LotteriesService).create({
      title: 'Ramadan',
      startDate: new Date(Date.now() - 3_600_000),
      endDate: new Date(Date.now() + 3_600_000),
      prizes: [{ place: 1, credits: 77 }],
    });
    const inviter = await newUser(null, 'uz');
    await newUser(inviter.id, null);
    // The end comes now: the row moved rather than waited for.
    await db.query(`UPDATE lotteries SET end_date = now() WHERE id = $1`, [lottery.id]);

    const events = new QueueEvents(GROWTH_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: 'genbot' });
    await events.waitUntilReady();
    try {
      const jobs = await Promise.all([queue.add('growth.draw-lotteries', {}), queue.add('growth.draw-lotteries', {})]);
      await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 10_000)));
    } finally {
      await events.close();
    }

    const drawn = await app.get(LotteriesService).get(lottery.id);
    expect(drawn.draw!.winners).toEqual(drawWinners(drawn.seed!, drawn.draw!.tickets, drawn.prizes));
    const won = drawn.draw!.winners.find((w) => w.userId === inviter.id);
    const prizes = (await app.get(LedgerService).history(inviter.id, 10)).filter((t) => t.kind === 'lottery_prize');
    expect(prizes.map((t) => t.amount)).toEqual(won ? [77] : []);
    if (won) {
      const messages = await eventually(
        async () => telegram.sentTo(inviter.telegramId).filter((call) => call.method === 'sendMessage'),
        (found) => found.length > 0,
        5000,
        50,
      );
      expect(messages.map((m) => m.params.text)).toEqual(["🎉 Siz «Ramadan» o'yinida 1-o'rinni egalladingiz: +77 kredit balansingizda."]);
    }
    expect(await verifyLedger(db)).toBeUndefined();
  });
});
