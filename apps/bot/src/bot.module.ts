import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TelegrafModule } from 'nestjs-telegraf';
import { DayReportModule } from '@genbot/admin';
import { AppConfig, CoreModule } from '@genbot/core';
import { GenerationsModule } from '@genbot/generations';
import { GrowthModule } from '@genbot/growth';
import { LedgerModule } from '@genbot/ledger';
import { SpeechModule } from '@genbot/speech';
import { UsersModule } from '@genbot/users';
import { CreateHandler } from './create/create.handler';
import { TelegramPhotos } from './create/telegram-photos';
import { PaymentsModule } from '@genbot/payments';
import { AdminHandler } from './admin/admin.handler';
import { AdminRateLimit } from './admin/admin-rate-limit';
import { FlowRouter } from './flows/flow-router';
import { FlowStateStore } from './flows/flow-state.store';
import { BalanceHandler } from './handlers/balance.handler';
import { FallbackHandler } from './handlers/fallback.handler';
import { StartHandler } from './handlers/start.handler';
import { VoiceHandler } from './handlers/voice.handler';
import { VideoWizardHandler } from './handlers/video-wizard.handler';
import { WebhookRoute } from './http/webhook.route';
import { MainMenu } from './menu/main-menu';
import { BuyHandler } from './payments/buy.handler';
import { InviteHandler } from './growth/invite.handler';
import { ReviewChatHandler } from './growth/review-chat.handler';
import { TelegramFailuresMiddleware } from './telegram/telegram-failures.middleware';
import { BotLifecycleService } from './telegram/bot-lifecycle.service';
import { UserContextMiddleware } from './telegram/user-context.middleware';
import { UpdatesProcessor } from './updates/updates.processor';
import { UpdatesQueue } from './updates/updates.queue';
import { VideoWizardViews } from './video-wizard/video-wizard.views';

/** Lets the Telegraf factory inject the middlewares that need UsersService. */
@Module({
  imports: [UsersModule, GrowthModule],
  providers: [TelegramFailuresMiddleware, UserContextMiddleware],
  exports: [TelegramFailuresMiddleware, UserContextMiddleware],
})
class BotContextModule {}

@Module({})
export class BotModule {
  /** Without BOT_TOKEN the bot app serves health only and says so; the rest of genbot runs. */
  static register(config: AppConfig): DynamicModule {
    const core = CoreModule.forRoot(config, 'bot');
    if (!config.env.BOT_TOKEN) {
      new Logger('Bot').warn('BOT_TOKEN is not set: the bot is idle (health endpoints only) until a token from @BotFather is configured');
      return { module: BotModule, imports: [core] };
    }
    const token = config.env.BOT_TOKEN;
    return {
      module: BotModule,
      imports: [
        core,
        UsersModule,
        LedgerModule,
        GenerationsModule,
        SpeechModule,
        GrowthModule,
        PaymentsModule,
        DayReportModule,
        TelegrafModule.forRootAsync({
          imports: [BotContextModule],
          inject: [TelegramFailuresMiddleware, UserContextMiddleware],
          useFactory: (failures: TelegramFailuresMiddleware, context: UserContextMiddleware) => ({
            token,
            // Launching is ours (BotLifecycleService), after every handler is registered.
            launchOptions: false,
            options: { telegram: { apiRoot: config.env.TELEGRAM_API_ROOT, webhookReply: false } },
            // Failures first: it wraps every Bot API call of the update, the context middleware's too.
            middlewares: [failures.middleware, context.middleware],
          }),
        }),
      ],
      providers: [
        MainMenu,
        FlowStateStore,
        FlowRouter,
        StartHandler,
        BalanceHandler,
        VoiceHandler,
        TelegramPhotos,
        CreateHandler,
        BuyHandler,
        InviteHandler,
        AdminHandler,
        AdminRateLimit,
        VideoWizardViews,
        VideoWizardHandler,
        ReviewChatHandler,
        // Last of the handlers: it answers what none of them took (see its comment).
        FallbackHandler,
        BotLifecycleService,
        UpdatesQueue,
        ...(config.env.BOT_ROLE === 'ingest' ? [] : [UpdatesProcessor]),
        ...(config.botMode === 'webhook' && config.env.BOT_ROLE !== 'handle' ? [WebhookRoute] : []),
      ],
    };
  }
}
