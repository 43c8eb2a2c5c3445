import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, InjectRedis } from '@genbot/core';
import { botIdOf } from '../telegram/bot-identity';

/**
 * Where a user is in a multi-step chat flow (the video wizard, model → options → prompt → confirm).
 * `version` grows with every write, and every button a flow sends carries the version it was
 * sent at, so a button from an earlier step, a replaced flow or before a restart is recognised
 * as stale instead of acting on state it was not drawn for.
 */
export interface FlowState<D extends object = object> {
  flow: string;
  step: string;
  version: number;
  data: D;
}

/** Days a flow waits for the user's next step before it is forgotten. */
const TTL_SECONDS = 3 * 24 * 3600;

/**
 * Write only if the stored version is the expected one ('' = any): two taps on one button, or two
 * replicas handling them, cannot both advance a flow. The version has a key of its own, and the
 * state JSON is stored as the caller wrote it (cjson would turn an empty array into an object).
 * KEYS: state, version. ARGV: expected version, state JSON object without version, ttl.
 * Returns the new version, or -1 when the stored version did not match.
 */
const WRITE_IF_VERSION = `
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= version then return -1 end
version = version + 1
redis.call('SET', KEYS[2], version, 'EX', tonumber(ARGV[3]))
redis.call('SET', KEYS[1], '{"version":' .. version .. ',' .. string.sub(ARGV[2], 2), 'EX', tonumber(ARGV[3]))
return version`;

/**
 * Flow state per bot and user in Redis: survives restarts and deploys, shared by every bot
 * replica, forgotten after TTL_SECONDS of silence. Versions never go backwards while a state is
 * stored; `clear` keeps a tombstone version so buttons of the cleared flow stay stale.
 */
@Injectable()
export class FlowStateStore {
  private readonly prefix: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `bot:${botIdOf(config)}:flow:`;
  }

  async get<D extends object>(userId: string): Promise<FlowState<D> | undefined> {
    const raw = await this.redis.get(this.prefix + userId);
    if (!raw) return undefined;
    const state = JSON.parse(raw) as FlowState<D>;
    return state.flow ? state : undefined;
  }

  /** Starts `flow` at `step`, replacing whatever flow the user was in (its buttons go stale). */
  async start<D extends object>(userId: string, flow: string, step: string, data: D): Promise<FlowState<D>> {
    const version = await this.write(userId, '', { flow, step, data });
    return { flow, step, version, data };
  }

  /**
   * Moves the flow on from `from` (the state the caller read), or answers undefined when it
   * moved meanwhile (a double tap, another replica): the caller then treats its button as stale.
   */
  async advance<D extends object>(userId: string, from: FlowState<D>, step: string, data: D): Promise<FlowState<D> | undefined> {
    const version = await this.write(userId, String(from.version), { flow: from.flow, step, data });
    return version < 0 ? undefined : { flow: from.flow, step, version, data };
  }

  /** Ends the flow; its buttons stay stale (the version is kept, the flow forgotten). */
  async clear(userId: string): Promise<void> {
    await this.write(userId, '', { flow: '', step: '', data: {} });
  }

  private async write(userId: string, expected: string, state: { flow: string; step: string; data: object }): Promise<number> {
    const key = this.prefix + userId;
    return Number(await this.redis.eval(WRITE_IF_VERSION, 2, key, `${key}:v`, expected, JSON.stringify(state), TTL_SECONDS));
  }
}
