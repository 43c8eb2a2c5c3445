import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import { QUEUES } from '@genbot/core';
import { GenerationsJobMap } from '../jobs/job-map';
import { RETRY_AFTER_BACKOFF } from '../jobs/retry-backoff';

/**
 * How long a job's lock lives unless its worker renews it (every half of it). A worker killed
 * mid-job leaves its job active: once the lock is gone, the minute sweep (and BullMQ's own stalled
 * check) know that worker is dead. Short, so a crash costs seconds, not the minutes of a deadline.
 */
export const LOCK_SECONDS = 15;

/** At most one refresh poll per generation in this time. */
export const REFRESH_EVERY_MS = 3000;

/** States in which a job will still run (or runs now); what the sweep counts as a live job. */
const LIVE_STATES = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Typed producer for the generations queue. Job ids are deterministic (the generation id, the
 * poll chain and attempt), so a double submit or a retried step is a duplicate BullMQ drops.
 * (BullMQ forbids `:` in custom ids.)
 */
@Injectable()
export class GenerationsQueue {
  constructor(@InjectQueue(QUEUES.generations) private readonly queue: Queue) {}

  run(generationId: string): Promise<unknown> {
    return this.add('generation.run', { generationId }, { jobId: `run-${generationId}`, ...RETRIES });
  }

  /**
   * Runs a generation again after its jobs were lost. `chain` is new for each resume (the sweep
   * uses its minute), so two sweeps in one minute add one job, and the resumed polls do not collide
   * with the ids of the dead chain's finished ones.
   */
  resume(generationId: string, chain: string): Promise<unknown> {
    return this.add('generation.run', { generationId, chain }, { jobId: `resume-${generationId}-${chain}`, ...RETRIES });
  }

  /**
   * Waiting on a provider is a delayed job, never a sleep. A chain is one sequence of polls: the
   * first after submit (`0`), one per resubmission and one per resume, each with its own ids.
   */
  poll(generationId: string, attempt: number, delayMs: number, chain = '0'): Promise<unknown> {
    const jobId = chain === '0' ? `poll-${generationId}-${attempt}` : `poll-${generationId}-${chain}-${attempt}`;
    return this.add('generation.poll', { generationId, attempt, chain }, { jobId, delay: delayMs, ...RETRIES });
  }

  /** Jobs per BullMQ state (seed 002's `queue` counts for operators). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed');
  }

  /**
   * One immediate look at the provider that schedules nothing after it. Refreshes of one
   * generation within REFRESH_EVERY_MS are one job (BullMQ deduplication), however many arrive.
   */
  refresh(generationId: string): Promise<unknown> {
    return this.add(
      'generation.poll',
      { generationId, attempt: 0, once: true },
      { deduplication: { id: `refresh-${generationId}`, ttl: REFRESH_EVERY_MS }, attempts: 1, removeOnComplete: true, removeOnFail: true },
    );
  }

  /**
   * Those of `generationIds` that no job will carry on: none waiting, delayed or running. An active
   * job whose lock expired belongs to a dead worker; it is removed here (BullMQ refuses to remove a
   * locked one, so a live worker's job is never taken), which also keeps BullMQ's stalled check
   * from running it beside the resumed one. The queue is read twice, because a job moving between
   * states during one read can be missed by it.
   */
  async withoutLiveJob(generationIds: string[]): Promise<string[]> {
    let orphans = [...new Set(generationIds)];
    for (let pass = 0; pass < 2 && orphans.length > 0; pass++) {
      const live = new Set<string>();
      for (const job of await this.queue.getJobs([...LIVE_STATES])) {
        const generationId = (job?.data as { generationId?: unknown } | undefined)?.generationId;
        if (typeof generationId !== 'string' || !orphans.includes(generationId)) continue;
        if ((await job.getState()) === 'active' && (await this.removeIfUnlocked(job))) continue;
        live.add(generationId);
      }
      orphans = orphans.filter((id) => !live.has(id));
    }
    return orphans;
  }

  private async removeIfUnlocked(job: Job): Promise<boolean> {
    try {
      await job.remove();
      return true;
    } catch {
      return false; // locked: its worker is alive
    }
  }

  private add<N extends keyof GenerationsJobMap>(name: N, data: GenerationsJobMap[N], opts: JobsOptions): Promise<unknown> {
    return this.queue.add(name, data, { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 }, ...opts });
  }
}

/** Exponential from 2 s, or as long as the provider or Telegram asked (see retryBackoff). */
const RETRIES: JobsOptions = { attempts: 5, backoff: { type: RETRY_AFTER_BACKOFF, delay: 2000 } };
