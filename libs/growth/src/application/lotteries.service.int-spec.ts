import { Test, TestingModule } from '@nestjs/testing';
import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CoreModule, SettingsService } from '@genbot/core';
import { LedgerModule, LedgerService, verifyLedger } from '@genbot/ledger';
import { TelegramSender } from '@genbot/telegram';
import { testConfig, uniqueTelegramId } from '@genbot/testing';
import { drawWinners, seedHashOf } from '../domain/lottery';
import { GrowthModule } from '../growth.module';
import { GrowthClock } from './growth-clock';
import { LotteriesService } from './lotteries.service';
import { OnboardingService } from './onboarding.service';

describe('LotteriesService', () => {
  const sent: { chatId: string; text: string }[] = [];
  let now = Date.now();
  const modules: TestingModule[] = [];

  /** One "worker": its own Nest module, connections and pool, as a second process would have. */
  const worker = async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(testConfig(), 'worker'), LedgerModule, GrowthModule] })
      .overrideProvider(SettingsService)
      .useValue({ get: async (key: string) => (key === 'welcome_bonus_credits' ? 0 : undefined) })
      .overrideProvider(GrowthClock)
      .useValue({ now: () => new Date(now) })
      .overrideProvider(TelegramSender)
      .useValue({ sendText: async (chatId: string, text: string) => void sent.push({ chatId, text }) })
      .compile();
    await moduleRef.init();
    modules.push(moduleRef);
    return moduleRef;
  };
  afterAll(() => Promise.all(modules.map((m) => m.close())));

  /**
   * "The current lottery" is one for the whole database, which suites running alongside share; this
   * suite's lotteries run years ahead (the clock moved), at a moment of their own, and the invitees
   * it counts are moved into that period (their rows, as a registration then would have them).
   */
  const ownMoment = () => Date.now() + (3650 + randomInt(0, 100_000)) * 86_400_000;
  const registeredAt = (db: DataSource, userIds: string[], at: number) =>
    db.query(`UPDATE users SET created_at = $2 WHERE id = ANY($1::uuid[])`, [userIds, new Date(at)]);

  it('draws an ended lottery once with two workers racing, weighted by referrals, reproducible from the revealed seed', async () => {
    const [a, b] = [await worker(), await worker()];
    const lotteries = a.get(LotteriesService);
    const onboarding = a.get(OnboardingService);
    const ledger = a.get(LedgerService);
    now = ownMoment();
    const lottery = await lotteries.create({
      title: 'Spring',
      startDate: new Date(now - 3_600_000),
      endDate: new Date(now + 3_600_000),
      prizes: [
        { place: 1, credits: 100 },
        { place: 2, credits: 40 },
      ],
    });
    expect(lottery.seed).toBeNull();
    expect(lottery.seedHash).toMatch(/^[0-9a-f]{64}$/);

    // Three inviters: 3, 1 and 0 referrals during the lottery; a fourth only posts links.
    const register = async (refCode?: string, languageCode = 'ru') =>
      (await onboarding.register({ telegramId: String(uniqueTelegramId()), refCode, languageCode })).user;
    const [big, small, none, social] = [await register(), await register(undefined, 'en'), await register(), await register()];
    const invitees = [await register(big.referralCode), await register(big.referralCode), await register(big.referralCode), await register(small.referralCode)];
    await registeredAt(
      a.get(DataSource),
      [big, small, none, social, ...invitees].map((u) => u.id),
      now - 60_000,
    );
    await lotteries.submitSocial(social.id, ['https://instagram.com/p/abc']);
    expect(await lotteries.entryOf(big.id)).toMatchObject({ lotteryId: lottery.id, userId: big.id, referralCount: 3, socialLinks: [] });
    await expect(lotteries.entryOf(none.id)).rejects.toMatchObject({ code: 'GROWTH_LOTTERY_ENTRY_NOT_FOUND' });

    // Not over yet: nothing drawn.
    expect(await lotteries.draw(lottery.id)).toBe(false);
    now = lottery.endDate.getTime() + 1000;
    // This lottery alone (drawDue would also draw other suites' ended lotteries, sharing the database).
    const outcomes = await Promise.all([a.get(LotteriesService).draw(lottery.id), b.get(LotteriesService).draw(lottery.id)]);
    expect(outcomes.sort()).toEqual([false, true]);

    const drawn = await lotteries.get(lottery.id);
    expect(drawn.drawnAt).toBeInstanceOf(Date);
    expect(seedHashOf(drawn.seed!)).toBe(lottery.seedHash);
    expect(drawn.draw!.tickets).toEqual(
      expect.arrayContaining([
        { userId: big.id, referrals: 3, socialApproved: false, weight: 3 },
        { userId: small.id, referrals: 1, socialApproved: false, weight: 1 },
        // Links not approved by an admin are no ticket.
        { userId: social.id, referrals: 0, socialApproved: false, weight: 0 },
      ]),
    );
    expect(drawWinners(drawn.seed!, drawn.draw!.tickets, drawn.prizes)).toEqual(drawn.draw!.winners);
    // Alone in the period with tickets, big and small win, in an order the seed decides.
    expect(new Set(drawn.draw!.winners.map((w) => w.userId))).toEqual(new Set([big.id, small.id]));

    for (const winner of drawn.draw!.winners) {
      const history = await ledger.history(winner.userId, 10);
      expect(history.filter((t) => t.kind === 'lottery_prize').map((t) => t.amount)).toEqual([winner.credits]);
    }
    expect(sent).toHaveLength(2);
    const smallPrize = drawn.draw!.winners.find((w) => w.userId === small.id)!;
    expect(sent.find((m) => m.chatId === small.telegramId)!.text).toBe(
      `🎉 You won place ${smallPrize.place} in “Spring”: +${smallPrize.credits} credits are on your balance.`,
    );
    expect(sent.find((m) => m.chatId === big.telegramId)!.text).toMatch(/^🎉 Вы заняли \d-е место в розыгрыше «Spring»: \+\d+ кредит/);

    // Ticks after the draw change nothing.
    expect(await lotteries.draw(lottery.id)).toBe(false);
    expect((await lotteries.entries(lottery.id)).filter((e) => e.prizeCredits !== null)).toHaveLength(2);
    expect(await verifyLedger(a.get(DataSource))).toBeUndefined();
  });

  it('weighs approved social links, refuses malformed links and bad lotteries', async () => {
    const [a] = [await worker()];
    const lotteries = a.get(LotteriesService);
    const onboarding = a.get(OnboardingService);
    now = ownMoment();
    const lottery = await lotteries.create({
      title: 'Social',
      startDate: new Date(now - 1000),
      endDate: new Date(now + 60_000),
      prizes: [{ place: 1, credits: 7 }],
    });
    const user = (await onboarding.register({ telegramId: String(uniqueTelegramId()) })).user;
    await expect(lotteries.submitSocial(user.id, ['http://insecure.example/p/1', 'https://ok.example/p/2'])).rejects.toMatchObject({
      code: 'GROWTH_INVALID_SOCIAL_LINKS',
      details: { fields: [{ field: 'socialLinks', value: 'http://insecure.example/p/1' }] },
    });
    const entry = await lotteries.submitSocial(user.id, ['https://ok.example/p/2']);
    expect(entry).toMatchObject({ socialStatus: 'pending', socialLinks: ['https://ok.example/p/2'], referralCount: 0 });
    expect(await lotteries.reviewSocial(entry.id, true)).toMatchObject({ socialStatus: 'approved' });
    await expect(
      lotteries.create({ title: 'x', startDate: new Date(now), endDate: new Date(now - 1), prizes: [{ place: 1, credits: 1 }] }),
    ).rejects.toMatchObject({
      code: 'GROWTH_INVALID_LOTTERY',
    });

    now = lottery.endDate.getTime();
    expect(await lotteries.draw(lottery.id)).toBe(true);
    const drawn = await lotteries.get(lottery.id);
    expect(drawn.draw!.tickets).toEqual([{ userId: user.id, referrals: 0, socialApproved: true, weight: 1 }]);
    expect(drawn.draw!.winners).toEqual([{ place: 1, credits: 7, userId: user.id, weight: 1 }]);
  });
});
