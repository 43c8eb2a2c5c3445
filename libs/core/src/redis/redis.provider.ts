import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** DI token for the shared ioredis client (caches, dedupe keys, idempotency, rate counters). */
export const REDIS = Symbol('REDIS');
export const InjectRedis = () => Inject(REDIS);

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [AppConfig],
  // Auto-pipelining: the commands of every request handled in one event-loop turn (rate-limit
  // scripts, cache reads) leave in one socket write, not one each; a write is the costly part.
  useFactory: (config: AppConfig) => new Redis(config.redisUrl, { maxRetriesPerRequest: 3, enableAutoPipelining: true }),
};

@Injectable()
export class RedisCloser implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
