import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { DomainError, QUEUES } from '@genbot/core';
import { CleanupService } from '../application/cleanup.service';
import { GenerationRunner } from '../application/generation-runner.service';
import { LOCK_SECONDS } from '../infrastructure/generations.queue';
import { GenerationsJobMap, GenerationsJobName } from './job-map';
import { retryBackoff } from './retry-backoff';

/** BullMQ's reason for a job whose worker died more often than `maxStalledCount`. */
const STALLED = /stalled more than allowable limit/;

type AnyJob = Job<GenerationsJobMap[GenerationsJobName], unknown, GenerationsJobName>;

// A short lock (renewed every half of it while the job runs) tells a dead worker from a slow one
// within seconds; a job stalled twice is failed by BullMQ, and the sweep resumes its generation.
// Retries wait as long as a provider's Retry-After or Telegram's retry_after asks (retryBackoff).
@Processor(QUEUES.generations, { concurrency: 8, lockDuration: LOCK_SECONDS * 1000, maxStalledCount: 2, settings: { backoffStrategy: retryBackoff } })
export class GenerationsProcessor extends WorkerHost {
  private readonly logger = new Logger(GenerationsProcessor.name);

  constructor(
    private readonly runner: GenerationRunner,
    private readonly cleanup: CleanupService,
  ) {
    super();
  }

  async process(job: AnyJob): Promise<unknown> {
    try {
      switch (job.name) {
        case 'generation.run': {
          const { generationId, chain } = job.data as GenerationsJobMap['generation.run'];
          return await this.runner.run(generationId, chain);
        }
        case 'generation.poll': {
          const { generationId, attempt, chain, once } = job.data as GenerationsJobMap['generation.poll'];
          return await this.runner.poll(generationId, attempt, { chain, once });
        }
        case 'generations.cleanup':
          return await this.cleanup.run();
        case 'generations.sweep':
          return await this.runner.sweep();
      }
    } catch (error) {
      // A business error will not get better by retrying. (Telegram asking us to wait is no
      // DomainError but a TelegramRetryAfter, retried when it says.)
      if (error instanceof DomainError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  /**
   * After the last retry the generation fails properly: hold released, user told. Not for a
   * refresh (the generation's own chain goes on), nor for a job BullMQ failed because its workers
   * kept dying: the generation itself is fine, and the sweep resumes it.
   */
  @OnWorkerEvent('failed')
  async onFailed(job: AnyJob | undefined, error: Error): Promise<void> {
    if (!job || !('generationId' in (job.data ?? {}))) return;
    if ((job.data as { once?: boolean }).once || STALLED.test(error.message)) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const { generationId } = job.data as { generationId: string };
    this.logger.warn({ generationId, err: error }, 'generation job gave up');
    await this.runner.giveUp(generationId, error.message).catch((e: unknown) => this.logger.error({ err: e, generationId }, 'could not fail generation'));
  }
}

/** One cleanup per hour and one sweep per minute, however many workers run (BullMQ job schedulers). */
@Injectable()
export class GenerationsCleanupScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(GenerationsCleanupScheduler.name);

  constructor(@InjectQueue(QUEUES.generations) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.queue
      .upsertJobScheduler(
        'generations.cleanup',
        { every: 3600_000 },
        { name: 'generations.cleanup', data: {}, opts: { removeOnComplete: 50, removeOnFail: 50 } },
      )
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule cleanup'));
    this.queue
      .upsertJobScheduler('generations.sweep', { every: 60_000 }, { name: 'generations.sweep', data: {}, opts: { removeOnComplete: 50, removeOnFail: 50 } })
      .catch((error: unknown) => this.logger.error({ err: error }, 'could not schedule the sweep'));
  }
}
