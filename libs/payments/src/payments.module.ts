import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettingDefaultsRegistry } from '@genbot/core';
import { GenerationsModule } from '@genbot/generations';
import { GrowthModule } from '@genbot/growth';
import { LedgerModule } from '@genbot/ledger';
import { TariffsModule } from '@genbot/tariffs';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { PaymentSettlement } from './application/payment-settlement';
import { PaymentsService } from './application/payments.service';
import { PAYMENT_GATEWAYS, PaymentGateway } from './application/ports/payment-gateway';
import { StarsPaymentsService } from './application/stars-payments.service';
import { TariffPricing } from './application/tariff-pricing';
import { PAYMENTS_SETTING_DEFAULTS } from './domain/payments.settings';
import { PAYMENT_GATEWAY_ADAPTERS } from './infrastructure/gateways';
import { PaymentEntity } from './infrastructure/payment.entity';
import { PaymentsRepository } from './infrastructure/payments.repository';
import { PAYMENTS_QUEUE, ReconcilePaymentsProcessor, ReconcilePaymentsScheduler } from './jobs/reconcile.processor';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentEntity]), LedgerModule, UsersModule, TariffsModule, TelegramModule, GenerationsModule, GrowthModule],
  providers: [
    ...PAYMENT_GATEWAY_ADAPTERS,
    { provide: PAYMENT_GATEWAYS, useFactory: (...gateways: PaymentGateway[]) => gateways, inject: PAYMENT_GATEWAY_ADAPTERS },
    PaymentsRepository,
    PaymentSettlement,
    TariffPricing,
    PaymentsService,
    StarsPaymentsService,
  ],
  exports: [PaymentsService, StarsPaymentsService, PaymentSettlement, TariffPricing, TariffsModule],
})
export class PaymentsModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(PAYMENTS_SETTING_DEFAULTS);
  }
}

/** The payments processors; imported only by the worker (and the all-in-one process). */
@Module({
  imports: [PaymentsModule, BullModule.registerQueue({ name: PAYMENTS_QUEUE })],
  providers: [ReconcilePaymentsProcessor, ReconcilePaymentsScheduler],
})
export class PaymentsJobsModule {}
