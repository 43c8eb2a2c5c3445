/** Growth: onboarding with the welcome bonus (referral rewards, daily bonuses and lotteries follow). */
export * from './growth.module';
export * from './application/onboarding.service';
/** Operator-tunable values (system_settings) and their defaults. */
export * from './domain/growth.settings';
