import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, AppName } from './config/app-config';
import { typeormOptions } from './database/typeorm-options';
import { HealthController } from './http/health.controller';
import { loggingModule } from './logging/logging.module';
import { RedisCloser, REDIS, redisProvider } from './redis/redis.provider';
import { SettingsService } from './settings/settings.service';

/**
 * Everything every app needs: validated config, logging, PostgreSQL (TypeORM), Redis, the
 * BullMQ root and the health endpoints. Each app imports it once with its own name.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, app: AppName): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        loggingModule(config, app),
        TypeOrmModule.forRoot({ ...typeormOptions(config.databaseUrl, config.env.DATABASE_POOL_SIZE), autoLoadEntities: true }),
        BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: 'genbot' }),
      ],
      controllers: [HealthController],
      providers: [{ provide: AppConfig, useValue: config }, redisProvider, RedisCloser, SettingsService],
      exports: [AppConfig, REDIS, SettingsService],
    };
  }
}
