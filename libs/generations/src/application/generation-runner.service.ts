import { Injectable, Logger } from '@nestjs/common';
import { DomainError, SettingsService } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { ObjectStorage, extensionFor, readCapped, sniffContentType } from '@genbot/storage';
import { TelegramSender, texts } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import type { CatalogModel } from '../domain/catalog';
import { Generation, isFinal } from '../domain/generation';
import { GenerationsQueue, LOCK_SECONDS } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';
import { resultRetentionDays } from './cleanup.service';
import { ProviderError, ProviderInput, ProviderOutput, ProviderStatus } from './ports/generation-provider';
import { ProviderRegistry } from './provider-registry';

const OUTPUT_MAX_BYTES = 200 * 1024 * 1024;
const INPUT_MAX_BYTES = 25 * 1024 * 1024;
/** A provider that loses the same generation this often is not going to finish it. */
const MAX_RESUBMITS = 3;
/** Longer than any send to Telegram takes; a claim this old was left by a worker that died. */
const DELIVERY_CLAIM_SECONDS = 120;

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
    private readonly storage: ObjectStorage,
    private readonly sender: TelegramSender,
    private readonly queue: GenerationsQueue,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
  ) {}

  /** `chain` is set when the sweep resumes a generation whose jobs were lost; see GenerationsQueue.poll. */
  async run(generationId: string, chain = '0'): Promise<void> {
    let generation = await this.repository.find(generationId);
    if (!generation) return;
    if (await this.finishDelivery(generation)) return;
    if (generation.status === 'queued') {
      const model = await this.model(generation);
      const now = new Date();
      generation = await this.repository.transition(generation.id, ['queued'], {
        status: 'running',
        started_at: now,
        deadline_at: new Date(now.getTime() + model.timeoutSeconds * 1000),
      });
      if (!generation) return; // cancelled, or another worker took it
      await this.progressMessage(generation, model, 0);
    }
    if (generation.status !== 'running') return;
    if (generation.externalId) return this.poll(generation.id, 0, { chain });
    return this.submit(generation, chain);
  }

  async poll(generationId: string, attempt: number, { chain = '0', once = false }: { chain?: string; once?: boolean } = {}): Promise<void> {
    const generation = await this.repository.find(generationId);
    if (!generation) return;
    if (await this.finishDelivery(generation)) return;
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
      submitted = await provider.submit(await this.providerInput(generation), generation.id);
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
      await this.progressMessage(generation, await this.model(generation), progress);
    }
    // A refresh only looks: the chain it jumped ahead of still schedules the next poll.
    if (!once) await this.queue.poll(generation.id, attempt + 1, pollDelayMs(attempt), chain);
  }

  private async complete(generation: Generation, outputs: ProviderOutput[]): Promise<void> {
    if (outputs.length === 0) return this.fail(generation, 'the provider returned no result');
    const expiresAt = new Date(Date.now() + (await resultRetentionDays(this.settings)) * 24 * 3600 * 1000);
    for (const [idx, output] of outputs.entries()) {
      const data = output.data ?? (await download(output.url!, OUTPUT_MAX_BYTES));
      const contentType = sniffContentType(data) ?? output.contentType ?? 'application/octet-stream';
      const storageKey = `users/${generation.userId}/results/${generation.id}-${idx}.${extensionFor(contentType) ?? 'bin'}`;
      await this.storage.put(storageKey, data, { contentType });
      await this.repository.addResult({ generationId: generation.id, idx, storageKey, contentType, sizeBytes: data.length, expiresAt });
    }
    if (generation.holdId) {
      await this.ledger.capture({ holdId: generation.holdId }).catch((error: unknown) => {
        // Only an expired hold can fail here (the margin makes that rare): the user keeps the result.
        if (!(error instanceof DomainError && error.code === 'LEDGER_HOLD_EXPIRED')) throw error;
        this.logger.error({ generationId: generation.id }, 'hold expired before capture: result delivered uncharged');
      });
    }
    const done = await this.repository.transition(generation.id, ['running'], { status: 'succeeded', progress: 100, finished_at: new Date(), error: null });
    if (!done) return;
    if (generation.externalId) {
      await this.providers
        .get(generation.provider ?? '')
        ?.discard(generation.externalId)
        .catch((error: unknown) => this.logger.warn({ err: error, generationId: generation.id }, 'provider copy of the result not discarded'));
    }
    await this.finishDelivery(done);
  }

  /**
   * Pushes a finished generation's results to its chat once; true when the generation is final.
   * Whoever claims the delivery sends; a job that finds it claimed leaves it to the claimer (and,
   * should the claimer die before sending, to the sweep once the claim is stale).
   */
  private async finishDelivery(generation: Generation): Promise<boolean> {
    if (generation.status !== 'succeeded') return isFinal(generation.status);
    if (generation.deliveredAt || !generation.chatId || !this.sender.enabled) return true;
    if (!(await this.repository.claimDelivery(generation.id, DELIVERY_CLAIM_SECONDS))) return true;
    try {
      await this.deliver(generation, generation.chatId);
    } catch (error) {
      // Let the job's retry claim it again rather than wait for the claim to go stale.
      await this.repository.releaseDeliveryClaim(generation.id);
      throw error;
    }
    await this.repository.transition(generation.id, ['succeeded'], { delivered_at: new Date() });
    // After marking: a failed edit of the progress message must not send the files again.
    if (generation.messageId) {
      const caption = texts(generation.language ?? 'en').resultCaption((await this.model(generation)).displayName);
      await this.sender
        .editText(generation.chatId, generation.messageId, caption)
        .catch((error: unknown) => this.logger.warn({ err: error, generationId: generation.id }, 'progress message not updated'));
    }
    return true;
  }

  private async deliver(generation: Generation, chatId: string): Promise<void> {
    const model = await this.model(generation);
    const t = texts(generation.language ?? 'en');
    const results = await this.repository.results(generation.id);
    const files = await Promise.all(
      results.map(async (r) => ({
        data: await readCapped((await this.storage.stream(r.storageKey)).body, OUTPUT_MAX_BYTES),
        contentType: r.contentType,
        filename: r.storageKey.split('/').pop()!,
      })),
    );
    try {
      await this.sender.sendFiles(chatId, files, t.resultCaption(model.displayName), generation.promptMessageId);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'TELEGRAM_BLOCKED')) throw error;
      await this.users.setBlocked({ id: generation.userId }, true);
      this.logger.warn({ generationId: generation.id }, 'user blocked the bot: result kept for the app only');
    }
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
        if (done) await this.finishDelivery(done);
        return;
      }
    }
    const failed = await this.repository.transition(generation.id, ['queued', 'running'], {
      status: 'failed',
      error: reason.slice(0, 1000),
      finished_at: new Date(),
    });
    if (!failed || !failed.chatId || !this.sender.enabled) return;
    const model = await this.model(failed);
    const t = texts(failed.language ?? 'en');
    await this.sender
      .sendText(failed.chatId, t.generationFailed(model.displayName), failed.promptMessageId)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'failure notice not sent'));
  }

  private async onProviderError(generation: Generation, error: unknown): Promise<void> {
    if (error instanceof ProviderError && (error.kind === 'rejected' || error.kind === 'insufficient_balance' || error.kind === 'unavailable')) {
      return this.fail(generation, error.message);
    }
    throw error; // transient or rate limited: BullMQ retries with backoff
  }

  private async progressMessage(generation: Generation, model: CatalogModel, percent: number): Promise<void> {
    if (!generation.chatId || !generation.messageId || !this.sender.enabled) return;
    const t = texts(generation.language ?? 'en');
    await this.sender.editText(
      generation.chatId,
      generation.messageId,
      percent === 0 ? t.generationStarted(model.displayName) : t.generationProgress(model.displayName, percent),
    );
  }

  private async providerInput(generation: Generation): Promise<ProviderInput> {
    const images = generation.inputs.filter((input) => input.type === 'image');
    const imageUrls: string[] = [];
    const bytes: { data: Buffer; contentType: string }[] = [];
    for (const input of images) {
      if (input.storageKey) {
        imageUrls.push(await this.storage.presignGet(input.storageKey, { expiresInSeconds: 3600 }));
        const { body, contentType } = await this.storage.stream(input.storageKey);
        bytes.push({ data: await readCapped(body, INPUT_MAX_BYTES), contentType });
      } else if (input.url) {
        imageUrls.push(input.url);
        const data = await download(input.url, INPUT_MAX_BYTES);
        bytes.push({ data, contentType: sniffContentType(data) ?? 'application/octet-stream' });
      }
    }
    const audio = generation.inputs.find((input) => input.type === 'audio');
    const options = { ...generation.options };
    if (audio?.storageKey) options.audio_url = await this.storage.presignGet(audio.storageKey, { expiresInSeconds: 3600 });
    else if (audio?.url) options.audio_url = audio.url;
    return { providerModel: generation.providerModel ?? '', mode: generation.mode, prompt: generation.prompt ?? undefined, imageUrls, images: bytes, options };
  }

  private async model(generation: Generation): Promise<CatalogModel> {
    const model = await this.catalog.byId(generation.modelId);
    if (!model) throw new Error(`model ${generation.modelId} vanished`);
    return model;
  }
}

async function download(url: string, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new ProviderError('transient', `download failed: ${String(error)}`);
  }
  if (!response.ok) throw new ProviderError(response.status >= 500 ? 'transient' : 'rejected', `download of a result failed with HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > maxBytes) throw new ProviderError('rejected', `result is larger than ${maxBytes} bytes`);
  const data = Buffer.from(await response.arrayBuffer());
  if (data.length > maxBytes) throw new ProviderError('rejected', `result is larger than ${maxBytes} bytes`);
  return data;
}
