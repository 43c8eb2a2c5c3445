import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { SettingDefaultsRegistry } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { AdSourcesService } from './application/ad-sources.service';
import { DailyBonusService } from './application/daily-bonus.service';
import { DiscountOffersService } from './application/discount-offers.service';
import { GrowthClock } from './application/growth-clock';
import { LotteriesService } from './application/lotteries.service';
import { OnboardingService } from './application/onboarding.service';
import { ReferralsService } from './application/referrals.service';
import { ReviewsService } from './application/reviews.service';
import { SubscriptionsService } from './application/subscriptions.service';
import { GROWTH_SETTING_DEFAULTS } from './domain/growth.settings';
import { AdSourcesRepository } from './infrastructure/ad-sources.repository';
import { DailyBonusRepository } from './infrastructure/daily-bonus.repository';
import { DiscountOffersRepository } from './infrastructure/discount-offers.repository';
import { LotteriesRepository } from './infrastructure/lotteries.repository';
import { ReferralsRepository } from './infrastructure/referrals.repository';
import { ReviewsRepository } from './infrastructure/reviews.repository';
import { GROWTH_QUEUE, GrowthProcessor, GrowthScheduler } from './jobs/growth.processor';

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
    LotteriesRepository,
    LotteriesService,
    DiscountOffersRepository,
    DiscountOffersService,
    AdSourcesRepository,
    AdSourcesService,
  ],
  exports: [
    OnboardingService,
    DailyBonusService,
    ReferralsService,
    ReviewsService,
    SubscriptionsService,
    LotteriesService,
    DiscountOffersService,
    AdSourcesService,
  ],
})
export class GrowthModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(GROWTH_SETTING_DEFAULTS);
  }
}

/** Growth's processors (lottery draws, discount offers); imported only by the worker (and the all-in-one process). */
@Module({
  imports: [GrowthModule, BullModule.registerQueue({ name: GROWTH_QUEUE })],
  providers: [GrowthProcessor, GrowthScheduler],
})
export class GrowthJobsModule {}
