import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { DatabaseHealthRepository } from '../database/database-health.repository';
import { InjectRedis } from '../redis/redis.provider';

type Check = 'up' | 'down';

/** Liveness (`/health`, plain `OK` as seed 000 has it) and readiness (PostgreSQL and Redis). */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthRepository,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  @Get()
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  live(): string {
    return 'OK';
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [database, redis] = await Promise.all([probe(() => this.database.ping()), probe(() => this.redis.ping())]);
    const ok = database === 'up' && redis === 'up';
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { database, redis } });
  }
}

async function probe(check: () => Promise<unknown>): Promise<Check> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    return 'up';
  } catch {
    return 'down';
  }
}
