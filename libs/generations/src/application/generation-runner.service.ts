import { Injectable, Logger } from '@nestjs/common';
import { DomainError, Metrics } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import type { CatalogModel } from '../domain/catalog';
import { Generation, isFinal } from '../domain/generation';
import { GenerationsQueue, LOCK_SECONDS } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';
import { GenerationDelivery } from './generation-delivery.service';
import { ProviderError, ProviderOutput, ProviderStatus } from './ports/generation-provider';
import { ProviderInputs } from './provider-inputs';
import { ProviderRegistry } from './provider-registry';

/** A provider that loses the same generation this often is not going to finish it. */
const MAX_RESUBMITS = 3;

/** Delay before poll number `attempt`: 2 s growing by half each time, at most 30 s. */
export function pollDelayMs(attempt: number): number {
  return Math.min(2000 * 1.5 ** attempt, 30_000);
}

/**
 * The worker's side of a generation. Every step is keyed by the generation id and safe to repeat,
 * so a job retried after a crash resumes where the last one stopped: the provider job id is stored
 * before polling, results are stored under fixed keys, the capture is idempotent, and delivery is
 * marked once done.
 */
@Injectable()
export class GenerationRunner {
  private readonly logger = new Logger(GenerationRunner.name);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly providers: ProviderRegistry,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly queue: GenerationsQueue,
    private readonly inputs: ProviderInputs,
    private readonly delivery: GenerationDelivery,
    private readonly metrics: Metrics,
  ) {}

  /** `chain` is set when the sweep resumes a generation whose jobs were lost; see GenerationsQueue.poll. */
  async run(generationId: string, chain = '0'): Promise<void> {
    let generation = await this.repository.find(generationId);
    if (!generation) return;
    if (await this.delivery.finish(generation)) return;
    if (generation.status === 'queued') {
      const model = await this.model(generation);
      const now = new Date();
      generation = await this.repository.transition(generation.id, ['queued'], {
        status: 'running',
        started_at: now,
        deadline_at: new Date(now.getTime() + model.timeoutSeconds * 1000),
      });
      if (!generation) return; // cancelled, or another worker took it
      await this.delivery.progress(generation, 0);
    }
    if (generation.status !== 'running') return;
    if (generation.externalId) return this.poll(generation.id, 0, { chain });
    return this.submit(generation, chain);
  }

  async poll(generationId: string, attempt: number, { chain = '0', once = false }: { chain?: string; once?: boolean } = {}): Promise<void> {
    const generation = await this.repository.find(generationId);
    if (!generation) return;
    if (await this.delivery.finish(generation)) return;
    if (generation.status !== 'running' || !generation.externalId) return;
    if (generation.deadlineAt && generation.deadlineAt.getTime() < Date.now()) return this.fail(generation, 'the provider did not finish in time');
    const provider = this.providers.get(generation.provider ?? '');
    if (!provider) return this.fail(generation, `provider ${generation.provider} is not available`);
    let status: ProviderStatus;
    try {
      status = await provider.poll(generation.externalId, generation.providerModel ?? '');
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'lost') return this.resubmit(generation, generation.externalId, error.message);
      return this.onProviderError(generation, error);
    }
    await this.settle(generation, status, attempt, chain, once);
  }

  /**
   * Every minute. A generation whose job is gone (a worker killed mid-job leaves its job active with
   * an expired lock; Redis away at submit leaves none) is resumed under a new chain; one past its
   * deadline is failed, which releases its hold. A finished one never delivered is delivered.
   */
  async sweep(): Promise<{ resumed: number; timedOut: number }> {
    const late = await this.repository.overdue(60, 500);
    for (const id of late) await this.giveUp(id, 'the provider did not finish in time');
    const undelivered = await this.repository.undeliveredSince(LOCK_SECONDS, 500);
    const candidates = [...(await this.repository.queuedSince(LOCK_SECONDS, 500)), ...(await this.repository.runningSince(LOCK_SECONDS, 500)), ...undelivered];
    const orphans = await this.queue.withoutLiveJob(candidates);
    const chain = `r${Math.floor(Date.now() / 60_000)}`;
    for (const id of orphans) {
      // Only a job claims a delivery; with none left, a claim is a dead worker's and is taken back.
      if (undelivered.includes(id)) await this.repository.releaseDeliveryClaim(id, LOCK_SECONDS);
      await this.queue.resume(id, chain);
    }
    if (orphans.length) this.logger.warn({ generationIds: orphans }, 'resumed generations whose jobs were lost');
    return { resumed: orphans.length, timedOut: late.length };
  }

  /** Called when BullMQ gives up on a job after its last retry. */
  async giveUp(generationId: string, reason: string): Promise<void> {
    const generation = await this.repository.find(generationId);
    if (generation && !isFinal(generation.status)) await this.fail(generation, reason);
  }

  private async submit(generation: Generation, chain: string): Promise<void> {
    const provider = this.providers.get(generation.provider ?? '');
    if (!provider) return this.fail(generation, `provider ${generation.provider} is not available`);
    let submitted;
    try {
      submitted = await provider.submit(await this.inputs.for(generation, provider), generation.id);
    } catch (error) {
      return this.onProviderError(generation, error);
    }
    // Null when another worker stored its own job first: that one's chain carries the generation.
    const stored = await this.repository.setExternalId(generation.id, submitted.externalId);
    if (stored) await this.settle(stored, submitted.status, 0, chain, false);
  }

  /**
   * The provider lost a job it had accepted (the local provider's worker died, or a remote one
   * answers "not found"): submit again under the same generation and the same hold, with a new
   * polling chain. The deadline still applies, and so does a cap on how often.
   */
  private async resubmit(generation: Generation, externalId: string, reason: string): Promise<void> {
    const resubmits = Number(generation.meta?.resubmits ?? 0);
    if (resubmits >= MAX_RESUBMITS) return this.fail(generation, `the provider lost the job ${resubmits + 1} times: ${reason}`);
    const forgotten = await this.repository.forgetExternalId(generation.id, externalId);
    if (!forgotten) return; // another poller got there first
    this.logger.warn({ generationId: generation.id, externalId, reason }, 'provider lost the job: submitting again');
    return this.submit(forgotten, `s${resubmits + 1}`);
  }

  private async settle(generation: Generation, status: ProviderStatus, attempt: number, chain: string, once: boolean): Promise<void> {
    if (status.state === 'failed') return this.fail(generation, status.reason);
    if (status.state === 'succeeded') return this.complete(generation, status.outputs);
    const progress = Math.max(0, Math.min(99, Math.round(status.progress ?? 0)));
    if (progress !== generation.progress) {
      await this.repository.transition(generation.id, ['running'], { progress });
      await this.delivery.progress(generation, progress);
    }
    // A refresh only looks: the chain it jumped ahead of still schedules the next poll.
    if (!once) await this.queue.poll(generation.id, attempt + 1, pollDelayMs(attempt), chain);
  }

  private async complete(generation: Generation, outputs: ProviderOutput[]): Promise<void> {
    if (outputs.length === 0) return this.fail(generation, 'the provider returned no result');
    const files = await this.delivery.store(generation, outputs);
    if (generation.holdId) {
      await this.ledger.capture({ holdId: generation.holdId }).catch((error: unknown) => {
        // Only an expired hold can fail here (the margin makes that rare): the user keeps the result.
        if (!(error instanceof DomainError && error.code === 'LEDGER_HOLD_EXPIRED')) throw error;
        this.logger.error({ generationId: generation.id }, 'hold expired before capture: result delivered uncharged');
      });
    }
    const done = await this.repository.transition(generation.id, ['running'], { status: 'succeeded', progress: 100, finished_at: new Date(), error: null });
    if (!done) return;
    this.metrics.generationFinished(generation.modelId, 'succeeded');
    if (generation.externalId) {
      await this.providers
        .get(generation.provider ?? '')
        ?.discard(generation.externalId)
        .catch((error: unknown) => this.logger.warn({ err: error, generationId: generation.id }, 'provider copy of the result not discarded'));
    }
    // The bytes just stored go to the chat as they are; only a resumed delivery reads storage.
    await this.delivery.finish(done, files);
  }

  /** Money first, then the status: whoever sees `failed` also sees their credits back. */
  private async fail(generation: Generation, reason: string): Promise<void> {
    if (generation.holdId) {
      const captured = await this.ledger.release({ holdId: generation.holdId }).then(
        () => false,
        (error: unknown) => {
          if (error instanceof DomainError && error.code === 'LEDGER_HOLD_ALREADY_RESOLVED' && error.details?.resolution === 'post') return true;
          if (error instanceof DomainError && ['LEDGER_HOLD_EXPIRED', 'LEDGER_HOLD_ALREADY_RESOLVED'].includes(error.code)) return false;
          throw error;
        },
      );
      // Charged already: an earlier attempt stored the results and captured, then died. Finish it.
      if (captured) {
        const done = await this.repository.transition(generation.id, ['running'], { status: 'succeeded', progress: 100, finished_at: new Date(), error: null });
        if (done) {
          this.metrics.generationFinished(generation.modelId, 'succeeded');
          await this.delivery.finish(done);
        }
        return;
      }
    }
    const failed = await this.repository.transition(generation.id, ['queued', 'running'], {
      status: 'failed',
      error: reason.slice(0, 1000),
      finished_at: new Date(),
    });
    if (!failed) return;
    this.metrics.generationFinished(generation.modelId, 'failed');
    await this.delivery.failed(failed);
  }

  private async onProviderError(generation: Generation, error: unknown): Promise<void> {
    if (error instanceof ProviderError && (error.kind === 'rejected' || error.kind === 'insufficient_balance' || error.kind === 'unavailable')) {
      return this.fail(generation, error.message);
    }
    throw error; // transient or rate limited: BullMQ retries with backoff
  }

  private async model(generation: Generation): Promise<CatalogModel> {
    const model = await this.catalog.byId(generation.modelId);
    if (!model) throw new Error(`model ${generation.modelId} vanished`);
    return model;
  }
}
