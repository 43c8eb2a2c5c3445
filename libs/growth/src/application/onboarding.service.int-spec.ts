import { Test, TestingModule } from '@nestjs/testing';
import { CoreModule, SettingsService } from '@genbot/core';
import { LedgerModule, LedgerService } from '@genbot/ledger';
import { testConfig, uniqueTelegramId } from '@genbot/testing';
import { GrowthModule } from '../growth.module';
import { OnboardingService } from './onboarding.service';

describe('OnboardingService: welcome bonus', () => {
  let moduleRef: TestingModule;
  let onboarding: OnboardingService;
  let ledger: LedgerService;

  beforeAll(async () => {
    // system_settings is one table shared by every suite running in parallel; changing the real
    // welcome bonus there would leak into their balances, so this suite reads a fixed value.
    moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(testConfig(), 'worker'), LedgerModule, GrowthModule] })
      .overrideProvider(SettingsService)
      .useValue({ get: async (key: string) => (key === 'welcome_bonus_credits' ? 25 : undefined) })
      .compile();
    await moduleRef.init();
    onboarding = moduleRef.get(OnboardingService);
    ledger = moduleRef.get(LedgerService);
  });
  afterAll(() => moduleRef.close());

  it('grants the welcome bonus once, on first registration only, even when registrations race', async () => {
    const telegramId = String(uniqueTelegramId());
    const results = await Promise.all(Array.from({ length: 10 }, () => onboarding.register({ telegramId })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const userId = results[0].user.id;
    await onboarding.register({ telegramId });
    expect(await ledger.balance(userId)).toEqual({ balance: 25, reserved: 0, available: 25 });
    const history = await ledger.history(userId, 10);
    expect(history.map((t) => [t.kind, t.amount])).toEqual([['welcome_bonus', 25]]);
  });
});
