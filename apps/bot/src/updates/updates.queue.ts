import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { Update } from 'telegraf/types';
import { AppConfig, InjectRedis } from '@genbot/core';
import { laneOf } from './update-lane';
import { botIdOf } from '../telegram/bot-identity';

/** An update_id is remembered this long after it was handled: Telegram redelivers within hours, not days. */
const DONE_TTL_SECONDS = 24 * 3600;
/** A queued update waits at most this long for a processor before its marker may lapse. */
const QUEUED_TTL_SECONDS = 7 * 24 * 3600;
const GROUP = 'processors';

/** Where a claimed lane stands after its head was handled. */
export type Finished = { state: 'next'; head: string } | { state: 'drained' } | { state: 'lost' };

export interface LaneEntry {
  id: string;
  lane: string;
}

// Dedupe and enqueue a batch in one round trip. For each update (KEYS: its marker and its lane,
// in pairs, then the stream; ARGV: the marker's TTL, then its JSON and lane name in pairs): the
// marker is set only for a new update_id, the update joins its lane, and a lane that was empty is
// announced on the stream. So a lane has exactly one stream entry while it holds updates, and
// whoever holds that entry holds the lane. A lane that refuses the update (a key of another type)
// fails that update alone, and its marker is dropped so that Telegram's redelivery is queued.
const ENQUEUE = `
local stream, states = KEYS[#KEYS], {}
for n = 1, (#KEYS - 1) / 2 do
  local marker, lane = KEYS[2 * n - 1], KEYS[2 * n]
  if redis.call('SET', marker, 'queued', 'NX', 'EX', ARGV[1]) then
    local length = redis.pcall('RPUSH', lane, ARGV[2 * n])
    if type(length) == 'table' then
      redis.call('DEL', marker)
      states[n] = 'error ' .. length.err
    else
      if length == 1 then redis.call('XADD', stream, '*', 'lane', ARGV[2 * n + 1]) end
      states[n] = 'new'
    end
  else
    states[n] = redis.call('GET', marker) or 'queued'
  end
end
return states`;

/** The most updates one script call takes; a tick with more sends several. */
const MAX_BATCH = 500;

interface Pending {
  keys: [marker: string, lane: string];
  args: [json: string, lane: string];
  resolve: (state: 'new' | 'queued' | 'done') => void;
  reject: (error: Error) => void;
}

// Only the entry's current owner may pop the head: a processor that was presumed dead (its entry
// reclaimed) and wakes up must not pop what the new owner is handling. The done marker is set
// either way, so the new owner skips an update that was in fact handled.
const OWNER = `local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
local mine = p[1] ~= nil and p[1][2] == ARGV[3]`;

const FINISH = `${OWNER.replace(/KEYS\[1\]/g, 'KEYS[3]')}
if ARGV[5] == '1' then redis.call('SET', KEYS[1], 'done', 'EX', ARGV[4]) end
if not mine then return {0} end
if ARGV[5] == '1' or ARGV[5] == 'skip' then redis.call('LPOP', KEYS[2]) end
local head = redis.call('LINDEX', KEYS[2], 0)
if head then return {2, head} end
redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[3], ARGV[2])
return {1}`;

// A live processor touches its entries so that their idle time never reaches the reclaim age.
const TOUCH = `local kept = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] ~= nil and p[1][2] == ARGV[2] then redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID') kept = kept + 1 end
end
return kept`;

// A processor that stops gracefully hands its unfinished lanes back at once, not after the reclaim age.
const RELEASE = `${OWNER}
if not mine then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[1], '*', 'lane', ARGV[4])
return 1`;

type Scripts = {
  enqueueUpdates(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<string[]>;
  finishHead(marker: string, lane: string, stream: string, group: string, entry: string, consumer: string, ttl: number, mode: string): Promise<unknown[]>;
  touchEntries(stream: string, group: string, consumer: string, ...ids: string[]): Promise<number>;
  releaseEntry(stream: string, group: string, entry: string, consumer: string, lane: string): Promise<number>;
};

type StreamEntries = [id: string, fields: string[]][];

/**
 * The bot's durable inbox in Redis: a per-chat list of updates (a lane) and one stream that
 * announces lanes with work, read through a consumer group. The webhook and polling enqueue;
 * UpdatesProcessor takes lanes, handles their updates in order and finishes each one. A lane whose
 * processor died stays pending in the group until another processor reclaims it.
 */
@Injectable()
export class UpdatesQueue implements OnApplicationShutdown {
  private readonly redis: Redis & Scripts;
  private readonly prefix: string;
  readonly stream: string;
  private batch: Pending[] = [];

  constructor(@InjectRedis() shared: Redis, config: AppConfig) {
    // A connection of its own. The processors' calls are pipelined by ioredis; the enqueues batch
    // themselves (enqueue), which is one command per tick instead of one per update.
    const redis = shared.duplicate({ enableAutoPipelining: true, autoPipeliningIgnoredCommands: ['enqueueUpdates'] });
    this.redis = redis as Redis & Scripts;
    // Known without asking Telegram: the webhook queues even while getMe fails.
    this.prefix = `bot:${botIdOf(config)}`;
    this.stream = `${this.prefix}:updates`;
    const define = (name: keyof Scripts, numberOfKeys: number, lua: string) => redis.defineCommand(name, { numberOfKeys, lua });
    redis.defineCommand('enqueueUpdates', { lua: ENQUEUE });
    define('finishHead', 3, FINISH);
    define('touchEntries', 1, TOUCH);
    define('releaseEntry', 1, RELEASE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /**
   * `new` when queued now; `queued` or `done` when Telegram delivered this update_id before. The
   * enqueues of one tick (every webhook request read in it) leave together as one script call:
   * under load that is what lets the acks keep up, and it leaves the young generation with one
   * command's garbage per tick, not one per update (bench/webhook/README.md).
   */
  enqueue(update: Update): Promise<'new' | 'queued' | 'done'> {
    const lane = laneOf(update);
    const keys: Pending['keys'] = [this.marker(update.update_id), this.laneKey(lane)];
    const args: Pending['args'] = [JSON.stringify(update), lane];
    return new Promise((resolve, reject) => {
      const size = this.batch.push({ keys, args, resolve, reject });
      if (size === 1) setImmediate(() => this.flush());
      else if (size >= MAX_BATCH) this.flush();
    });
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    const keys: string[] = batch.flatMap((pending) => pending.keys);
    keys.push(this.stream);
    const args = batch.flatMap((pending) => pending.args);
    this.redis.enqueueUpdates(keys.length, ...keys, QUEUED_TTL_SECONDS, ...args).then(
      (states) =>
        batch.forEach(({ resolve, reject }, i) => {
          const state = states[i];
          if (state.startsWith('error ')) reject(new Error(`Update not queued: ${state.slice(6)}`));
          else resolve(state === 'new' || state === 'done' ? state : 'queued');
        }),
      (error: Error) => batch.forEach(({ reject }) => reject(error)),
    );
  }

  /** `done` once a processor finished it (what tests and redeliveries look at). */
  async state(updateId: number): Promise<string | null> {
    return this.redis.get(this.marker(updateId));
  }

  async ensureGroup(): Promise<void> {
    // From 0, not $: lanes announced before the first processor ever started are still taken.
    await this.redis.xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.includes('BUSYGROUP')) throw error;
    });
  }

  /** New lanes for this consumer, waiting up to `blockMs` on the given (blocking-only) connection. */
  async take(connection: Redis, consumer: string, count: number, blockMs: number): Promise<LaneEntry[]> {
    const reply = (await connection.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.stream, '>')) as
      [string, StreamEntries][] | null;
    return reply ? entries(reply[0][1]) : [];
  }

  /** Lanes whose owner has not touched them for `minIdleMs`: that processor is presumed dead. */
  async reclaim(consumer: string, minIdleMs: number, count: number): Promise<LaneEntry[]> {
    const [, claimed] = (await this.redis.xautoclaim(this.stream, GROUP, consumer, minIdleMs, '0-0', 'COUNT', count)) as [string, StreamEntries, string[]];
    return entries(claimed);
  }

  head(lane: string): Promise<string | null> {
    return this.redis.lindex(this.laneKey(lane), 0);
  }

  /**
   * After the lane's head was handled (`handled`), skipped as already done (`skip`), or when the
   * lane turned out empty (`none`): pops it and answers the next head, or acks the lane when none is left.
   */
  async finish(entry: LaneEntry, consumer: string, updateId: number | undefined, mode: 'handled' | 'skip' | 'none'): Promise<Finished> {
    const marker = updateId === undefined ? `${this.prefix}:none` : this.marker(updateId);
    const flag = mode === 'handled' ? '1' : mode;
    const [code, head] = (await this.redis.finishHead(marker, this.laneKey(entry.lane), this.stream, GROUP, entry.id, consumer, DONE_TTL_SECONDS, flag)) as [
      number,
      string?,
    ];
    if (code === 2) return { state: 'next', head: head as string };
    return code === 1 ? { state: 'drained' } : { state: 'lost' };
  }

  touch(consumer: string, ids: string[]): Promise<number> {
    return ids.length ? this.redis.touchEntries(this.stream, GROUP, consumer, ...ids) : Promise.resolve(0);
  }

  release(entry: LaneEntry, consumer: string): Promise<number> {
    return this.redis.releaseEntry(this.stream, GROUP, entry.id, consumer, entry.lane);
  }

  /** Same key as the webhook always used, so done markers written before the queue still count. */
  private marker(updateId: number): string {
    return `bot:update:${this.prefix.slice(4)}:${updateId}`;
  }

  private laneKey(lane: string): string {
    return `${this.prefix}:lane:${lane}`;
  }
}

function entries(raw: StreamEntries): LaneEntry[] {
  return raw.filter(([, fields]) => Array.isArray(fields)).map(([id, fields]) => ({ id, lane: fields[fields.indexOf('lane') + 1] }));
}
