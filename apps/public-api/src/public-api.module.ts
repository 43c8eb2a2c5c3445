import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@genbot/auth';
import { AppConfig, CoreModule } from '@genbot/core';
import { GenerationsModule } from '@genbot/generations';
import { GrowthModule } from '@genbot/growth';
import { StorageModule } from '@genbot/storage';
import { LedgerModule } from '@genbot/ledger';
import { PaymentsModule } from '@genbot/payments';
import { TariffsModule } from '@genbot/tariffs';
import { UsersModule } from '@genbot/users';
import { AuthGuard } from './auth/auth.guard';
import { UserSessionsService } from './auth/user-sessions.service';
import { UserAuthController } from './http/auth/user-auth.controller';
import { BalanceController } from './http/credits/balance.controller';
import { CreditsController } from './http/credits/credits.controller';
import { CatalogController } from './http/generations/catalog.controller';
import { MiniAppGenerationsController } from './http/generations/miniapp-generations.controller';
import { ChannelReviewsController } from './http/growth/channel-reviews.controller';
import { DailyBonusController } from './http/growth/daily-bonus.controller';
import { LotteriesController } from './http/growth/lotteries.controller';
import { ReferralsController } from './http/growth/referrals.controller';
import { OzhivlyatorGenerateController } from './http/compat/ozhivlyator-generate.controller';
import { OzhivlyatorPaymentsController } from './http/compat/ozhivlyator-payments.controller';
import { OzhivlyatorUsersController } from './http/compat/ozhivlyator-users.controller';
import { FilesController } from './http/files/files.controller';
import { JobsController } from './http/jobs/jobs.controller';
import { SystemController } from './http/system/system.controller';
import { PaymentWebhooksController } from './http/payments/payment-webhooks.controller';
import { PaymentsController } from './http/payments/payments.controller';
import { TariffsController } from './http/tariffs/tariffs.controller';
import { MiniAppUsersController } from './http/users/miniapp-users.controller';
import { ServiceUsersController } from './http/users/service-users.controller';

@Module({})
export class PublicApiModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: PublicApiModule,
      imports: [
        CoreModule.forRoot(config, 'public-api'),
        UsersModule,
        LedgerModule,
        GrowthModule,
        GenerationsModule,
        StorageModule,
        TariffsModule,
        PaymentsModule,
        AuthModule,
      ],
      controllers: [
        SystemController,
        ServiceUsersController,
        MiniAppUsersController,
        BalanceController,
        CreditsController,
        CatalogController,
        MiniAppGenerationsController,
        JobsController,
        FilesController,
        TariffsController,
        PaymentsController,
        PaymentWebhooksController,
        // Seed 003's existing bot, in its own paths and field names.
        OzhivlyatorUsersController,
        OzhivlyatorGenerateController,
        OzhivlyatorPaymentsController,
        UserAuthController,
        DailyBonusController,
        ReferralsController,
        ChannelReviewsController,
        LotteriesController,
      ],
      providers: [AuthGuard, UserSessionsService],
    };
  }
}
