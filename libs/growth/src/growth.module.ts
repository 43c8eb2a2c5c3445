import { Module } from '@nestjs/common';
import { LedgerModule } from '@genbot/ledger';
import { UsersModule } from '@genbot/users';
import { OnboardingService } from './application/onboarding.service';

@Module({
  imports: [UsersModule, LedgerModule],
  providers: [OnboardingService],
  exports: [OnboardingService],
})
export class GrowthModule {}
