import { Module } from '@nestjs/common';
import { SettingDefaultsRegistry } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { UsersModule } from '@genbot/users';
import { OnboardingService } from './application/onboarding.service';
import { GROWTH_SETTING_DEFAULTS } from './domain/growth.settings';

@Module({
  imports: [UsersModule, LedgerModule],
  providers: [OnboardingService],
  exports: [OnboardingService],
})
export class GrowthModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(GROWTH_SETTING_DEFAULTS);
  }
}
