/** Growth: onboarding with the welcome bonus, seed 003's daily bonus streak, referrals, channel and review bonuses, lotteries. */
export * from './growth.module';
export * from './application/onboarding.service';
export * from './application/daily-bonus.service';
export * from './application/growth-clock';
export * from './application/referrals.service';
export * from './application/reviews.service';
export * from './application/subscriptions.service';
export * from './application/lotteries.service';
export * from './domain/lottery';
export type { LotteryEntry, LotteryEntryWithUser } from './infrastructure/lotteries.repository';
export * from './application/discount-offers.service';
export * from './application/ad-sources.service';
export type { DiscountOffer } from './infrastructure/discount-offers.repository';
export * from './jobs/growth.processor';
export type { ReferralRecord } from './infrastructure/referrals.repository';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/growth.settings';
export * from './domain/growth.errors';
/** Error codes → HTTP statuses, for the apps' `createHttpApp`. */
export * from './domain/growth.error-statuses';
