import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CoreModule, SettingsService } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { testConfig, uniqueTelegramId } from '@genbot/testing';
import { localDay, addDays } from '../domain/daily-bonus';
import { GrowthModule } from '../growth.module';
import { AdSourcesService } from './ad-sources.service';
import { DiscountOffersService } from './discount-offers.service';
import { OnboardingService } from './onboarding.service';

const SETTINGS: Record<string, unknown> = {
  welcome_bonus_credits: 0,
  timezone: 'Asia/Tashkent',
  discount_offer_percent: 30,
  discount_offer_delay_hours: 24,
  discount_offer_valid_hours: 48,
  discount_offer_tariff: 'credits-1000',
};

describe('discount offers and ad-source stats', () => {
  const sent: { chatId: string; text: string }[] = [];
  const modules: TestingModule[] = [];
  let db: DataSource;

  const worker = async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(testConfig(), 'worker'), LedgerModule, GrowthModule] })
      .overrideProvider(SettingsService)
      .useValue({ get: async (key: string) => SETTINGS[key] })
      .overrideProvider(TelegramSender)
      .useValue({ enabled: true, sendText: async (chatId: string, text: string) => void sent.push({ chatId, text }) })
      .compile();
    await moduleRef.init();
    modules.push(moduleRef);
    db = moduleRef.get(DataSource);
    return moduleRef;
  };
  afterAll(() => Promise.all(modules.map((m) => m.close())));

  const register = async (app: TestingModule, extra: { source?: string; languageCode?: string } = {}) =>
    (await app.get(OnboardingService).register({ telegramId: String(uniqueTelegramId()), ...extra })).user;
  const generated = async (userId: string, hoursAgo: number) => {
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'local-text-to-image'`);
    await db.query(
      `INSERT INTO generations (user_id, model_id, mode, status, price_credits, source, created_at) VALUES ($1, $2, 't2i', 'succeeded', 0, 'miniapp', now() - make_interval(hours => $3))`,
      [userId, model.id, hoursAgo],
    );
  };
  const paid = async (userId: string, amountMinor: number, refundedMinor = 0, currency = 'RUB') => {
    await db.query(
      `INSERT INTO payments (id, provider, user_id, amount_minor, currency, credits, status, refunded_minor, expires_at, succeeded_at)
       VALUES ($1, 'yookassa', $2, $3, $4, 100, 'succeeded', $5, now() + interval '1 hour', now())`,
      [randomUUID(), userId, amountMinor, currency, refundedMinor],
    );
  };

  it('offers once, a day after a generation, to users who never paid, even with two workers ticking at once', async () => {
    const [a, b] = [await worker(), await worker()];
    const due = await register(a, { languageCode: 'ru' });
    const early = await register(a);
    const payer = await register(a);
    await generated(due.id, 25);
    await generated(early.id, 1);
    await generated(payer.id, 25);
    await paid(payer.id, 9900);

    await Promise.all([a.get(DiscountOffersService).offerDue(), b.get(DiscountOffersService).offerDue()]);
    const mine = (u: { telegramId: string }) => sent.filter((m) => m.chatId === u.telegramId);
    expect(mine(due).map((m) => m.text)).toEqual([
      '🎁 Разовое предложение для вас: −30% на «1000 кредитов» в ближайшие 48 ч. Откройте /buy, чтобы воспользоваться.',
    ]);
    expect(mine(early)).toEqual([]);
    expect(mine(payer)).toEqual([]);

    const discounts = a.get(DiscountOffersService);
    expect(await discounts.offered(due.id)).toBe(true);
    expect(await discounts.offered(early.id)).toBe(false);
    expect(await discounts.active(due.id)).toMatchObject({ percent: 30 });
    const offered = (await discounts.active(due.id))!;
    const [payment, other] = [randomUUID(), randomUUID()];
    // Another tariff takes nothing; of two payments for the offered one, the first takes it, and again on its retry.
    expect(await discounts.claim({ userId: due.id, tariffId: randomUUID(), paymentId: payment })).toBeUndefined();
    expect(await discounts.claim({ userId: due.id, tariffId: offered.tariffId, paymentId: payment })).toBe(30);
    expect(await discounts.claim({ userId: due.id, tariffId: offered.tariffId, paymentId: other })).toBeUndefined();
    expect(await discounts.claim({ userId: due.id, tariffId: offered.tariffId, paymentId: payment })).toBe(30);
    expect(await discounts.active(due.id)).toBeUndefined();
    // Never paid: given back, and the next payment may take it.
    expect(await discounts.release([payment])).toBe(1);
    expect(await discounts.active(due.id)).toMatchObject({ percent: 30, usedAt: null, paymentId: null });
    expect(await discounts.claim({ userId: due.id, tariffId: offered.tariffId, paymentId: other })).toBe(30);

    // Never twice, even once it has been used.
    await discounts.offerDue();
    expect(mine(due)).toHaveLength(1);
  });

  it('counts registrations, users who generated, payers and net revenue per source and registration day', async () => {
    const app = await worker();
    const source = `ads_${randomUUID().slice(0, 8)}`;
    const [one, two, three, old] = [
      await register(app, { source }),
      await register(app, { source }),
      await register(app, { source }),
      await register(app, { source }),
    ];
    await register(app, { source: `${source}_other` });
    await generated(one.id, 0);
    await generated(two.id, 0);
    await paid(two.id, 9900, 900);
    await paid(two.id, 70, 0, 'XTR');
    await generated(three.id, 0);
    // Registered the day before (the row moved, not waited for).
    await db.query(`UPDATE users SET created_at = created_at - interval '1 day' WHERE id = $1`, [old.id]);

    const today = localDay(new Date(), 'Asia/Tashkent');
    const yesterday = addDays(today, -1);
    const stats = await app.get(AdSourcesService).stats({ from: yesterday, to: today, source });
    expect(stats).toEqual([
      { source, day: yesterday, registrations: 1, generated: 0, payers: 0, revenue: {} },
      { source, day: today, registrations: 3, generated: 3, payers: 1, revenue: { RUB: 9000, XTR: 70 } },
    ]);
    const all = await app.get(AdSourcesService).stats({ from: today, to: today });
    expect(all.filter((row) => row.source?.startsWith(source)).map((row) => [row.source, row.registrations])).toEqual([
      [source, 3],
      [`${source}_other`, 1],
    ]);
    await expect(app.get(AdSourcesService).stats({ from: today, to: yesterday })).rejects.toMatchObject({ code: 'GROWTH_INVALID_RANGE' });
    await expect(app.get(AdSourcesService).stats({ from: '2020-01-01', to: today })).rejects.toMatchObject({ code: 'GROWTH_INVALID_RANGE' });
  });
});
