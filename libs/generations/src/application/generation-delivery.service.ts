import { Injectable, Logger } from '@nestjs/common';
import { DomainError, SettingsService } from '@genbot/core';
import { ObjectStorage, extensionFor, readCapped, sniffContentType } from '@genbot/storage';
import { OutgoingFile, TelegramSender, texts } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import type { CatalogModel } from '../domain/catalog';
import { Generation, isFinal } from '../domain/generation';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { CatalogService } from './catalog.service';
import { resultRetentionDays } from './cleanup.service';
import { ProviderError, ProviderOutput } from './ports/generation-provider';

const OUTPUT_MAX_BYTES = 200 * 1024 * 1024;
/** Longer than any send to Telegram takes; a claim this old was left by a worker that died. */
const DELIVERY_CLAIM_SECONDS = 120;

/**
 * What the user gets from a generation: its results stored, then sent to the chat once, and the
 * progress and failure messages on the way. Split from GenerationRunner, which decides when.
 */
@Injectable()
export class GenerationDelivery {
  private readonly logger = new Logger(GenerationDelivery.name);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly catalog: CatalogService,
    private readonly storage: ObjectStorage,
    private readonly sender: TelegramSender,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
  ) {}

  /**
   * Stores a provider's outputs under fixed keys (a retry overwrites, never duplicates) and returns
   * them as files, so the delivery that follows sends these bytes rather than reading them back.
   */
  async store(generation: Generation, outputs: ProviderOutput[]): Promise<OutgoingFile[]> {
    const expiresAt = new Date(Date.now() + (await resultRetentionDays(this.settings)) * 24 * 3600 * 1000);
    const files: OutgoingFile[] = [];
    for (const [idx, output] of outputs.entries()) {
      const data = output.data ?? (await download(output.url!, OUTPUT_MAX_BYTES));
      const contentType = sniffContentType(data) ?? output.contentType ?? 'application/octet-stream';
      const storageKey = `users/${generation.userId}/results/${generation.id}-${idx}.${extensionFor(contentType) ?? 'bin'}`;
      await this.storage.put(storageKey, data, { contentType });
      await this.repository.addResult({ generationId: generation.id, idx, storageKey, contentType, sizeBytes: data.length, expiresAt });
      files.push({ data, contentType, filename: storageKey.split('/').pop()! });
    }
    return files;
  }

  /**
   * Pushes a finished generation's results to its chat once; true when the generation is final.
   * Whoever claims the delivery sends; a job that finds it claimed leaves it to the claimer (and,
   * should the claimer die before sending, to the sweep once the claim is stale). `files` are the
   * results just stored; without them (a delivery resumed after a crash) storage is read.
   */
  async finish(generation: Generation, files?: OutgoingFile[]): Promise<boolean> {
    if (generation.status !== 'succeeded') return isFinal(generation.status);
    if (generation.deliveredAt || !generation.chatId || !this.sender.enabled) return true;
    if (!(await this.repository.claimDelivery(generation.id, DELIVERY_CLAIM_SECONDS))) return true;
    try {
      await this.send(generation, generation.chatId, files ?? (await this.storedFiles(generation)));
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

  async progress(generation: Generation, percent: number): Promise<void> {
    if (!generation.chatId || !generation.messageId || !this.sender.enabled) return;
    const model = await this.model(generation);
    const t = texts(generation.language ?? 'en');
    await this.sender.editText(
      generation.chatId,
      generation.messageId,
      percent === 0 ? t.generationStarted(model.displayName) : t.generationProgress(model.displayName, percent),
    );
  }

  /** Tells the chat a generation failed and its credits came back; best effort. */
  async failed(generation: Generation): Promise<void> {
    if (!generation.chatId || !this.sender.enabled) return;
    const model = await this.model(generation);
    await this.sender
      .sendText(generation.chatId, texts(generation.language ?? 'en').generationFailed(model.displayName), generation.promptMessageId)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'failure notice not sent'));
  }

  private async storedFiles(generation: Generation): Promise<OutgoingFile[]> {
    const results = await this.repository.results(generation.id);
    return Promise.all(
      results.map(async (r) => ({
        data: await readCapped((await this.storage.stream(r.storageKey)).body, OUTPUT_MAX_BYTES),
        contentType: r.contentType,
        filename: r.storageKey.split('/').pop()!,
      })),
    );
  }

  private async send(generation: Generation, chatId: string, files: OutgoingFile[]): Promise<void> {
    const model = await this.model(generation);
    try {
      await this.sender.sendFiles(chatId, files, texts(generation.language ?? 'en').resultCaption(model.displayName), generation.promptMessageId);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'TELEGRAM_BLOCKED')) throw error;
      await this.users.setBlocked({ id: generation.userId }, true);
      this.logger.warn({ generationId: generation.id }, 'user blocked the bot: result kept for the app only');
    }
  }

  private async model(generation: Generation): Promise<CatalogModel> {
    const model = await this.catalog.byId(generation.modelId);
    if (!model) throw new Error(`model ${generation.modelId} vanished`);
    return model;
  }
}

/** A provider's result from the URL it gave (not a client's: those are fetched at submit, through the safe downloader). */
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
