import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { CacheBus } from './cache/cache-bus';
import { AppConfig, AppName } from './config/app-config';
import { DatabaseHealthRepository } from './database/database-health.repository';
import { typeormOptions } from './database/typeorm-options';
import { CallerRateLimitGuard, GlobalIpRateLimitGuard, GlobalRateLimitInterceptor } from './http/global-rate-limit';
import { HealthController } from './http/health.controller';
import { RateLimitGuard, RateLimiter } from './http/rate-limit.guard';
import { RateLimitStorage } from './http/rate-limit.storage';
import { ACCESS_LOG, loggingModule } from './logging/logging.module';
import { Metrics } from './metrics/metrics';
import { RedisCloser, REDIS, redisProvider } from './redis/redis.provider';
import { SettingDefaultsRegistry } from './settings/setting-defaults.registry';
import { SettingsRepository } from './settings/settings.repository';
import { SettingsService } from './settings/settings.service';

/**
 * Everything every app needs: validated config, logging, PostgreSQL (TypeORM), Redis, the
 * BullMQ root, the health and metrics endpoints and the rate limits. Each app imports it once with its own name.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, app: AppName): DynamicModule {
    const logging = loggingModule(config, app);
    return {
      module: CoreModule,
      imports: [
        logging.module,
        TypeOrmModule.forRoot({ ...typeormOptions(config.databaseUrl, config.env.DATABASE_POOL_SIZE), autoLoadEntities: true }),
        BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: 'genbot' }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ACCESS_LOG, useValue: logging.accessLog },
        DatabaseHealthRepository,
        redisProvider,
        RedisCloser,
        SettingsRepository,
        SettingDefaultsRegistry,
        CacheBus,
        SettingsService,
        RateLimitStorage,
        RateLimiter,
        RateLimitGuard,
        CallerRateLimitGuard,
        { provide: Metrics, inject: [REDIS], useFactory: (redis: Redis) => new Metrics(app, redis) },
        // The APIs people and scripts call; the bot's webhook and the worker's probes are not limited.
        ...(app === 'public-api' || app === 'admin-api'
          ? [
              {
                provide: APP_GUARD,
                inject: [Reflector, RateLimiter, AppConfig],
                useFactory: (reflector: Reflector, limiter: RateLimiter, appConfig: AppConfig) =>
                  new GlobalIpRateLimitGuard(reflector, limiter, appConfig, { credentialedCallsToInterceptor: app === 'admin-api' }),
              },
              // public-api's auth decorator charges the caller in a guard (CallerRateLimited); admin-api's does not yet.
              ...(app === 'admin-api' ? [{ provide: APP_INTERCEPTOR, useClass: GlobalRateLimitInterceptor }] : []),
            ]
          : []),
      ],
      exports: [
        AppConfig,
        ACCESS_LOG,
        REDIS,
        CacheBus,
        SettingsService,
        SettingDefaultsRegistry,
        RateLimitStorage,
        RateLimiter,
        RateLimitGuard,
        CallerRateLimitGuard,
        Metrics,
      ],
    };
  }
}
