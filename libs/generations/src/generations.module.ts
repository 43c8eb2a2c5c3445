import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES, SettingDefaultsRegistry } from '@genbot/core';
import { LedgerModule } from '@genbot/ledger';
import { StorageModule } from '@genbot/storage';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { CatalogService } from './application/catalog.service';
import { CharactersService } from './application/characters.service';
import { CleanupService } from './application/cleanup.service';
import { DataService } from './application/data.service';
import { GenerationDelivery } from './application/generation-delivery.service';
import { GenerationRunner } from './application/generation-runner.service';
import { GenerationsService } from './application/generations.service';
import { ProviderInputs } from './application/provider-inputs';
import { VoicesService } from './application/voices.service';
import { WaitingPaymentsService } from './application/waiting-payments.service';
import { GENERATION_PROVIDERS, ProviderRegistry } from './application/provider-registry';
import { GENERATIONS_SETTING_DEFAULTS } from './domain/generations.settings';
import { CatalogRepository } from './infrastructure/catalog.repository';
import { CharactersRepository } from './infrastructure/characters.repository';
import { DataObjectsRepository } from './infrastructure/data-objects.repository';
import { GenerationsQueue } from './infrastructure/generations.queue';
import { GenerationsRepository } from './infrastructure/generations.repository';
import { GeminiKeyPool, PROVIDER_ADAPTERS } from './infrastructure/providers';
import { GenerationsCleanupScheduler, GenerationsProcessor } from './jobs/generations.processor';

/** Catalog, prices, submissions, uploads: what the APIs need. */
@Module({
  imports: [LedgerModule, StorageModule, BullModule.registerQueue({ name: QUEUES.generations })],
  providers: [
    GeminiKeyPool,
    ...PROVIDER_ADAPTERS,
    { provide: GENERATION_PROVIDERS, inject: PROVIDER_ADAPTERS, useFactory: (...adapters: unknown[]) => adapters },
    ProviderRegistry,
    CatalogRepository,
    CatalogService,
    GenerationsRepository,
    GenerationsQueue,
    GenerationsService,
    WaitingPaymentsService,
    DataObjectsRepository,
    DataService,
    CharactersRepository,
    CharactersService,
    VoicesService,
  ],
  exports: [
    CatalogService,
    GenerationsService,
    WaitingPaymentsService,
    DataService,
    ProviderRegistry,
    GenerationsRepository,
    DataObjectsRepository,
    GenerationsQueue,
    CharactersService,
    VoicesService,
    ...PROVIDER_ADAPTERS,
  ],
})
export class GenerationsModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(GENERATIONS_SETTING_DEFAULTS);
  }
}

/** The worker's half: runs generations, polls providers, delivers results, cleans up. */
@Module({
  imports: [GenerationsModule, LedgerModule, StorageModule, TelegramModule, UsersModule, BullModule.registerQueue({ name: QUEUES.generations })],
  providers: [GenerationRunner, GenerationDelivery, ProviderInputs, CleanupService, GenerationsProcessor, GenerationsCleanupScheduler],
})
export class GenerationsJobsModule {}
