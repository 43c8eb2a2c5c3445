import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES, SettingDefaultsRegistry } from '@genbot/core';
import { TelegramModule } from '@genbot/telegram';
import { UsersModule } from '@genbot/users';
import { BroadcastDelivery } from './application/broadcast-delivery.service';
import { BroadcastsService } from './application/broadcasts.service';
import { BROADCASTS_SETTING_DEFAULTS } from './domain/broadcasts.settings';
import { BroadcastsQueue } from './infrastructure/broadcasts.queue';
import { BroadcastsRepository } from './infrastructure/broadcasts.repository';
import { SendRateLimiter } from './infrastructure/send-rate.limiter';
import { BroadcastLanesProcessor, BroadcastsProcessor, BroadcastsTickScheduler } from './jobs/broadcasts.processor';

const QUEUE_MODULES = [BullModule.registerQueue({ name: QUEUES.broadcasts }), BullModule.registerQueue({ name: QUEUES.broadcastSend })];

/** Broadcasts for the admin API: create, list, look, start, cancel, test-send. */
@Module({
  imports: [TelegramModule, UsersModule, ...QUEUE_MODULES],
  providers: [BroadcastsRepository, BroadcastsQueue, SendRateLimiter, BroadcastsService, BroadcastDelivery],
  exports: [BroadcastsService, BroadcastDelivery, BroadcastsRepository, BroadcastsQueue],
})
export class BroadcastsModule {
  constructor(settings: SettingDefaultsRegistry) {
    settings.add(BROADCASTS_SETTING_DEFAULTS);
  }
}

/** The broadcast processors (starts, lanes, the tick); imported only by the worker and the all-in-one process. */
@Module({
  imports: [BroadcastsModule, ...QUEUE_MODULES],
  providers: [BroadcastsProcessor, BroadcastLanesProcessor, BroadcastsTickScheduler],
})
export class BroadcastsJobsModule {}
