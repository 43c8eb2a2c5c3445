import { Test, TestingModule } from '@nestjs/testing';
import { CoreModule, DomainError, SettingsService } from '@genbot/core';
import { LedgerModule, LedgerService } from '@genbot/ledger';
import { testConfig, uniqueTelegramId } from '@genbot/testing';
import { localDay } from '../domain/daily-bonus';
import { GrowthModule } from '../growth.module';
import { DailyBonusService } from './daily-bonus.service';
import { GrowthClock } from './growth-clock';
import { OnboardingService } from './onboarding.service';

const SETTINGS: Record<string, unknown> = { welcome_bonus_credits: 0, daily_bonus_schedule: [5, 10, 20], timezone: 'Asia/Tashkent' };

describe('DailyBonusService', () => {
  let moduleRef: TestingModule;
  let bonus: DailyBonusService;
  let ledger: LedgerService;
  let onboarding: OnboardingService;
  const DAY_MS = 24 * 3600 * 1000;
  let now = Date.now();

  beforeAll(async () => {
    // A fixed schedule rather than system_settings, which suites running in parallel share.
    moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(testConfig(), 'worker'), LedgerModule, GrowthModule] })
      .overrideProvider(SettingsService)
      .useValue({ get: async (key: string) => SETTINGS[key] })
      .overrideProvider(GrowthClock)
      .useValue({ now: () => new Date(now) })
      .compile();
    await moduleRef.init();
    bonus = moduleRef.get(DailyBonusService);
    ledger = moduleRef.get(LedgerService);
    onboarding = moduleRef.get(OnboardingService);
  });
  afterAll(() => moduleRef.close());

  const newUser = async () => (await onboarding.register({ telegramId: String(uniqueTelegramId()) })).user.id;
  const alreadyClaimed = (error: unknown) => error instanceof DomainError && error.code === 'GROWTH_DAILY_BONUS_ALREADY_CLAIMED';

  it('grants one claim out of 20 parallel ones on the same day', async () => {
    const userId = await newUser();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => bonus.claim(userId)));
    const granted = results.filter((r) => r.status === 'fulfilled');
    expect(granted).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && alreadyClaimed(r.reason))).toHaveLength(19);
    expect((await ledger.balance(userId)).balance).toBe(5);
    expect((await ledger.history(userId, 10)).map((t) => [t.kind, t.amount])).toEqual([['daily_bonus', 5]]);
  });

  it('grows the streak on consecutive days, keeps the last reward past the schedule, and resets after a missed day', async () => {
    now = Date.now();
    const userId = await newUser();
    const streaks: [number, number][] = [];
    for (let day = 0; day < 4; day++) {
      const claim = await bonus.claim(userId);
      streaks.push([claim.streak, claim.granted]);
      now += DAY_MS;
    }
    expect(streaks).toEqual([
      [1, 5],
      [2, 10],
      [3, 20],
      [4, 20],
    ]);
    expect(await bonus.status(userId)).toMatchObject({ claimedToday: false, streak: 4, nextCredits: 20 });
    // A day without a claim.
    now += DAY_MS;
    expect(await bonus.status(userId)).toMatchObject({ claimedToday: false, streak: 0, nextCredits: 5 });
    expect(await bonus.claim(userId)).toMatchObject({ streak: 1, granted: 5 });
    expect((await ledger.balance(userId)).balance).toBe(5 + 10 + 20 + 20 + 5);
  });

  it('counts days in the time zone of the first claim and says when the next one opens', async () => {
    const userId = await newUser();
    const claim = await bonus.claim(userId, { timeZone: 'America/Los_Angeles' });
    expect(localDay(new Date(claim.nextClaimAt.getTime() - 1), 'America/Los_Angeles')).toBe(localDay(new Date(now), 'America/Los_Angeles'));
    expect(localDay(claim.nextClaimAt, 'America/Los_Angeles')).not.toBe(localDay(new Date(now), 'America/Los_Angeles'));
    // Another zone later does not open another day.
    await expect(bonus.claim(userId, { timeZone: 'Pacific/Kiritimati' })).rejects.toMatchObject({
      code: 'GROWTH_DAILY_BONUS_ALREADY_CLAIMED',
      details: { streak: 1, nextClaimAt: claim.nextClaimAt.toISOString() },
    });
    await expect(bonus.claim(userId, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'GROWTH_INVALID_TIME_ZONE' });
  });
});
