import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { ObjectStorage, extensionFor, readCapped, sniffContentType } from '@genbot/storage';
import { TelegramSender, texts } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import type { CatalogModel } from '../domain/catalog';
import { Generation, isFinal } from '../domain/generation';
import { GenerationsQueue } from '../infrastructure/generations.queue';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';
import { ProviderError, ProviderInput, ProviderOutput, ProviderStatus } from './ports/generation-provider';
import { ProviderRegistry } from './provider-registry';

const OUTPUT_MAX_BYTES = 200 * 1024 * 1024;
const INPUT_MAX_BYTES = 25 * 1024 * 1024;
const RETENTION_MS = 30 * 24 * 3600 * 1000;

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
  ) {}

  async run(generationId: string): Promise<void> {
    let generation = await this.repository.find(generationId);
    if (!generation) return;
    if (await this.finishDelivery(generation)) return;
    if (generation.status === 'queued') {
      const model = await this.model(generation);
      const now = new Date();
      generation = await this.repository.transition(generation.id, ['queued'], { status: 'running', started_at: now, deadline_at: new Date(now.getTime() + model.timeoutSeconds * 1000) });
      if (!generation) return; // cancelled, or another worker took it
      await this.progressMessage(generation, model, 0);
    }
    if (generation.status !== 'running') return;
    if (generation.externalId) return this.poll(generation.id, 0);

    const provider = this.providers.get(generation.provider ?? '');
    if (!provider) return this.fail(generation, `provider ${generation.provider} is not available`);
    let submitted;
    try {
      submitted = await provider.submit(await this.providerInput(generation), generation.id);
    } catch (error) {
      return this.onProviderError(generation, error);
    }
    const stored = await this.repository.transition(generation.id, ['running'], { external_id: submitted.externalId });
    if (stored) await this.settle(stored, submitted.status, 0);
  }

  async poll(generationId: string, attempt: number): Promise<void> {
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
      return this.onProviderError(generation, error);
    }
    await this.settle(generation, status, attempt);
  }

  /**
   * Every minute: a generation recorded but never queued (Redis was away at submit) is queued
   * again (its job id makes that a no-op if it was), and one whose polling was lost is failed once
   * its deadline has passed, which releases its hold.
   */
  async sweep(): Promise<{ requeued: number; timedOut: number }> {
    const db = this.repository.dataSource;
    const stuck: { id: string }[] = await db.query(`SELECT id FROM generations WHERE status = 'queued' AND updated_at < now() - interval '1 minute' LIMIT 500`);
    for (const { id } of stuck) await this.queue.run(id);
    const late: { id: string }[] = await db.query(`SELECT id FROM generations WHERE status = 'running' AND deadline_at < now() - interval '1 minute' LIMIT 500`);
    for (const { id } of late) await this.giveUp(id, 'the provider did not finish in time');
    return { requeued: stuck.length, timedOut: late.length };
  }

  /** Called when BullMQ gives up on a job after its last retry. */
  async giveUp(generationId: string, reason: string): Promise<void> {
    const generation = await this.repository.find(generationId);
    if (generation && !isFinal(generation.status)) await this.fail(generation, reason);
  }

  private async settle(generation: Generation, status: ProviderStatus, attempt: number): Promise<void> {
    if (status.state === 'failed') return this.fail(generation, status.reason);
    if (status.state === 'succeeded') return this.complete(generation, status.outputs);
    const progress = Math.max(0, Math.min(99, Math.round(status.progress ?? 0)));
    if (progress !== generation.progress) {
      await this.repository.transition(generation.id, ['running'], { progress });
      await this.progressMessage(generation, await this.model(generation), progress);
    }
    await this.queue.poll(generation.id, attempt + 1, pollDelayMs(attempt));
  }

  private async complete(generation: Generation, outputs: ProviderOutput[]): Promise<void> {
    if (outputs.length === 0) return this.fail(generation, 'the provider returned no result');
    for (const [idx, output] of outputs.entries()) {
      const data = output.data ?? (await download(output.url!, OUTPUT_MAX_BYTES));
      const contentType = sniffContentType(data) ?? output.contentType ?? 'application/octet-stream';
      const storageKey = `users/${generation.userId}/results/${generation.id}-${idx}.${extensionFor(contentType) ?? 'bin'}`;
      await this.storage.put(storageKey, data, { contentType });
      await this.repository.addResult({ generationId: generation.id, idx, storageKey, contentType, sizeBytes: data.length, expiresAt: new Date(Date.now() + RETENTION_MS) });
    }
    if (generation.holdId) {
      await this.ledger.capture({ holdId: generation.holdId }).catch((error: unknown) => {
        // Only an expired hold can fail here (the margin makes that rare): the user keeps the result.
        if (!(error instanceof DomainError && error.code === 'LEDGER_HOLD_EXPIRED')) throw error;
        this.logger.error({ generationId: generation.id }, 'hold expired before capture: result delivered uncharged');
      });
    }
    const done = await this.repository.transition(generation.id, ['running'], { status: 'succeeded', progress: 100, finished_at: new Date(), error: null });
    if (done) await this.finishDelivery(done);
  }

  /** Pushes a finished generation's results to its chat once; true when the generation is final. */
  private async finishDelivery(generation: Generation): Promise<boolean> {
    if (generation.status !== 'succeeded') return isFinal(generation.status);
    if (generation.deliveredAt || !generation.chatId || !this.sender.enabled) return true;
    const model = await this.model(generation);
    const t = texts(generation.language ?? 'en');
    const results = await this.repository.results(generation.id);
    const files = await Promise.all(
      results.map(async (r) => ({ data: await readCapped((await this.storage.stream(r.storageKey)).body, OUTPUT_MAX_BYTES), contentType: r.contentType, filename: r.storageKey.split('/').pop()! })),
    );
    try {
      await this.sender.sendFiles(generation.chatId, files, t.resultCaption(model.displayName), generation.promptMessageId);
      if (generation.messageId) await this.sender.editText(generation.chatId, generation.messageId, t.resultCaption(model.displayName));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'TELEGRAM_BLOCKED')) throw error;
      await this.users.setBlocked({ id: generation.userId }, true);
      this.logger.warn({ generationId: generation.id }, 'user blocked the bot: result kept for the app only');
    }
    await this.repository.transition(generation.id, ['succeeded'], { delivered_at: new Date() });
    return true;
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
    const failed = await this.repository.transition(generation.id, ['queued', 'running'], { status: 'failed', error: reason.slice(0, 1000), finished_at: new Date() });
    if (!failed || !failed.chatId || !this.sender.enabled) return;
    const model = await this.model(failed);
    const t = texts(failed.language ?? 'en');
    await this.sender.sendText(failed.chatId, t.generationFailed(model.displayName), failed.promptMessageId).catch((error: unknown) => this.logger.warn({ err: error }, 'failure notice not sent'));
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
    await this.sender.editText(generation.chatId, generation.messageId, percent === 0 ? t.generationStarted(model.displayName) : t.generationProgress(model.displayName, percent));
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
