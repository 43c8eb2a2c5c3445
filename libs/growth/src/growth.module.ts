import { Module } from '@nestjs/common';
import { SettingDefaultsRegistry } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { UsersModule } from '@genbot/users';
import { DailyBonusService } from './application/daily-bonus.service';
import { GrowthClock } from './application/growth-clock';
import { OnboardingService } from './application/onboarding.service';
import { GROWTH_SETTING_DEFAULTS } from './domain/growth.settings';
import { DailyBonusRepository } from './infrastructure/daily-bonus.repository';

@Module({
  imports: [UsersModule, LedgerModule],
  providers: [GrowthClock, OnboardingService, DailyBonusRepository, DailyBonusService],
  exports: [OnboardingService, DailyBonusService],
})
export class GrowthModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(GROWTH_SETTING_DEFAULTS);
  }
}
