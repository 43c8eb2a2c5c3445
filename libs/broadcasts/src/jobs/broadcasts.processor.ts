import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainError, QUEUES } from '@genbot/core';
import { BroadcastDelivery } from '../application/broadcast-delivery.service';
import { BroadcastsQueue } from '../infrastructure/broadcasts.queue';
import { BroadcastsRepository } from '../infrastructure/broadcasts.repository';
import { BroadcastsJobMap } from './job-map';

type ControlJob = Job<BroadcastsJobMap['broadcast.start'] | BroadcastsJobMap['broadcasts.tick'], unknown, 'broadcast.start' | 'broadcasts.tick'>;
type LaneJob = Job<BroadcastsJobMap['broadcast.lane'], unknown, 'broadcast.lane'>;

/** Starts (expansion, media, lanes) and the tick. */
@Processor(QUEUES.broadcasts, { concurrency: 2 })
export class BroadcastsProcessor extends WorkerHost {
  constructor(
    private readonly delivery: BroadcastDelivery,
    private readonly repository: BroadcastsRepository,
    private readonly queue: BroadcastsQueue,
  ) {
    super();
  }

  async process(job: ControlJob): Promise<unknown> {
    try {
      if (job.name === 'broadcast.start') {
        const { broadcastId, round } = job.data as BroadcastsJobMap['broadcast.start'];
        return await this.delivery.start(broadcastId, round);
      }
      return await this.tick();
    } catch (error) {
      if (error instanceof DomainError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  /** Due scheduled broadcasts whose delayed job was lost, and running ones left without any lane. */
  private async tick(): Promise<void> {
    for (const id of await this.repository.dueScheduled()) await this.queue.start(id);
    const round = Math.floor(Date.now() / 60_000);
    for (const id of await this.repository.running()) if (!(await this.queue.hasLiveLane(id))) await this.queue.restart(id, round);
  }
}

/**
 * Send lanes. A short lock tells a dead worker from a busy one within seconds, and a lane may
 * stall many times over a long broadcast (each time its next run resolves the dead one's claims).
 */
@Processor(QUEUES.broadcastSend, { concurrency: 4, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 20 })
export class BroadcastLanesProcessor extends WorkerHost {
  private readonly logger = new Logger(BroadcastLanesProcessor.name);

  constructor(
    private readonly delivery: BroadcastDelivery,
    private readonly queue: BroadcastsQueue,
  ) {
    super();
  }

  async process(job: LaneJob): Promise<unknown> {
    const { broadcastId, lane, round } = job.data;
    const result = await this.delivery.runLane(broadcastId, lane);
    // A long wait (a 429's retry_after, retries not yet due) is a delayed job, not a held worker.
    if (typeof result === 'object') await this.queue.lane(broadcastId, lane, round + 1, result.resumeInMs);
    return result;
  }

  @OnWorkerEvent('failed')
  onFailed(job: LaneJob | undefined, error: Error): void {
    this.logger.warn({ broadcast: job?.data.broadcastId, lane: job?.data.lane, err: error }, 'broadcast lane failed');
  }
}

@Injectable()
export class BroadcastsTickScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(BroadcastsTickScheduler.name);

  constructor(private readonly queue: BroadcastsQueue) {}

  onApplicationBootstrap(): void {
    this.queue.scheduleTick().catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule the broadcasts tick'));
  }
}
