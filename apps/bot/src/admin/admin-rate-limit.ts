import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, InjectRedis } from '@genbot/core';
import { botIdOf } from '../telegram/bot-identity';

/** Seed 000: at most one admin command per 2 s; one more inside that window blocks the admin for 10 s. */
const WINDOW_MS = 2_000;
const BLOCK_MS = 10_000;

/**
 * KEYS: last command marker, block marker. ARGV: window ms, block ms.
 * Returns 0 when the command may run, else the milliseconds the admin stays blocked.
 */
const TAKE = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return blocked end
if redis.call('SET', KEYS[1], '1', 'PX', tonumber(ARGV[1]), 'NX') then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[2]))
return tonumber(ARGV[2])`;

/** The admin commands' rate limit, in Redis so that every bot replica counts the same commands. */
@Injectable()
export class AdminRateLimit {
  private readonly prefix: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `bot:${botIdOf(config)}:admin-rate:`;
  }

  /** 0 when the admin may run a command now, else the seconds they stay blocked (rounded up). */
  async take(adminTelegramId: string): Promise<number> {
    const key = this.prefix + adminTelegramId;
    const blockedMs = Number(await this.redis.eval(TAKE, 2, `${key}:last`, `${key}:blocked`, WINDOW_MS, BLOCK_MS));
    return Math.ceil(blockedMs / 1000);
  }

  /** The Redis keys of one admin, for tests that end a window without waiting for it. */
  keys(adminTelegramId: string): string[] {
    const key = this.prefix + adminTelegramId;
    return [`${key}:last`, `${key}:blocked`];
  }
}
