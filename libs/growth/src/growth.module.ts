import { Module } from '@nestjs/common';
import { SettingDefaultsRegistry } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { DailyBonusService } from './application/daily-bonus.service';
import { GrowthClock } from './application/growth-clock';
import { OnboardingService } from './application/onboarding.service';
import { ReferralsService } from './application/referrals.service';
import { ReviewsService } from './application/reviews.service';
import { SubscriptionsService } from './application/subscriptions.service';
import { GROWTH_SETTING_DEFAULTS } from './domain/growth.settings';
import { DailyBonusRepository } from './infrastructure/daily-bonus.repository';
import { ReferralsRepository } from './infrastructure/referrals.repository';
import { ReviewsRepository } from './infrastructure/reviews.repository';

@Module({
  imports: [UsersModule, LedgerModule, TelegramModule],
  providers: [
    GrowthClock,
    OnboardingService,
    DailyBonusRepository,
    DailyBonusService,
    ReferralsRepository,
    ReferralsService,
    ReviewsRepository,
    ReviewsService,
    SubscriptionsService,
  ],
  exports: [OnboardingService, DailyBonusService, ReferralsService, ReviewsService, SubscriptionsService],
})
export class GrowthModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(GROWTH_SETTING_DEFAULTS);
  }
}
