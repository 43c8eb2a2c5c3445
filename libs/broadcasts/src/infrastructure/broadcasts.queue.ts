import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { QUEUES } from '@genbot/core';
import { BroadcastsJobMap } from '../jobs/job-map';

/** Lanes per broadcast: each claims and sends its own batches; spread over the worker processes. */
export const LANES = 8;

/** How often scheduled starts and lost lanes are looked for; a scheduled start's delayed job is on time, this is its backstop. */
export const TICK_MS = 5000;
const START_RETRIES: JobsOptions = { attempts: 10, backoff: { type: 'exponential', delay: 1000 } };
const KEEP: JobsOptions = { removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } };

/**
 * Typed producer for the broadcast queues. Ids are deterministic (BullMQ forbids `:`), so a double
 * start, a tick racing a delayed job, or a retried start opens each lane once.
 */
@Injectable()
export class BroadcastsQueue {
  constructor(
    @InjectQueue(QUEUES.broadcasts) private readonly control: Queue,
    @InjectQueue(QUEUES.broadcastSend) private readonly send: Queue,
  ) {}

  /** `delayMs`: a scheduled start (a delayed job; the tick is its backstop). `now` ids a start-now apart from a schedule's. */
  start(broadcastId: string, delayMs = 0): Promise<unknown> {
    const jobId = delayMs > 0 ? `start-${broadcastId}-scheduled` : `start-${broadcastId}`;
    return this.add(this.control, 'broadcast.start', { broadcastId }, { jobId, delay: delayMs, ...START_RETRIES });
  }

  /** The tick's restart of a broadcast that lost its lanes: `round` names the new lanes apart from the lost ones. */
  restart(broadcastId: string, round: number): Promise<unknown> {
    return this.add(this.control, 'broadcast.start', { broadcastId, round }, { jobId: `start-${broadcastId}-${round}`, ...START_RETRIES });
  }

  /** Every few seconds, however many workers run. */
  scheduleTick(): Promise<unknown> {
    return this.control.upsertJobScheduler(
      'broadcasts.tick',
      { every: TICK_MS },
      { name: 'broadcasts.tick', data: {}, opts: { removeOnComplete: 50, removeOnFail: 50 } },
    );
  }

  lane(broadcastId: string, lane: number, round: number, delayMs = 0): Promise<unknown> {
    return this.add(this.send, 'broadcast.lane', { broadcastId, lane, round }, { jobId: `lane-${broadcastId}-${lane}-${round}`, delay: delayMs, attempts: 5 });
  }

  /** Whether a lane job of the broadcast is waiting, delayed or running. */
  async hasLiveLane(broadcastId: string): Promise<boolean> {
    const jobs = await this.send.getJobs(['active', 'waiting', 'delayed', 'prioritized']);
    return jobs.some((job) => (job?.data as { broadcastId?: string } | undefined)?.broadcastId === broadcastId);
  }

  private add<N extends keyof BroadcastsJobMap>(queue: Queue, name: N, data: BroadcastsJobMap[N], opts: JobsOptions): Promise<unknown> {
    return queue.add(name, data, { ...KEEP, ...opts });
  }
}
