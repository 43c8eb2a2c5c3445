import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { QUEUES } from '@genbot/core';
import { GenerationsJobMap } from '../jobs/job-map';

/**
 * Typed producer for the generations queue. Job ids are deterministic (the generation id, the
 * poll attempt), so a double submit or a retried step is a duplicate BullMQ drops. (BullMQ
 * forbids `:` in custom ids.)
 */
@Injectable()
export class GenerationsQueue {
  constructor(@InjectQueue(QUEUES.generations) private readonly queue: Queue) {}

  run(generationId: string): Promise<unknown> {
    return this.add('generation.run', { generationId }, { jobId: `run-${generationId}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
  }

  /** Waiting on a provider is a delayed job, never a sleep. */
  poll(generationId: string, attempt: number, delayMs: number): Promise<unknown> {
    return this.add('generation.poll', { generationId, attempt }, { jobId: `poll-${generationId}-${attempt}`, delay: delayMs, attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
  }

  private add<N extends keyof GenerationsJobMap>(name: N, data: GenerationsJobMap[N], opts: JobsOptions): Promise<unknown> {
    return this.queue.add(name, data, { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 }, ...opts });
  }
}
