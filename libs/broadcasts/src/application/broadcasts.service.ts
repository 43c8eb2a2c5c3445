import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError } from '@genbot/core';
import { TelegramSender, classifySendError } from '@genbot/telegram';
import {
  Broadcast,
  BroadcastButton,
  BroadcastFilter,
  BroadcastStatus,
  CANCELLABLE,
  DeliveryMode,
  MediaType,
  STARTABLE,
  checkContent,
  checkFilter,
  pendingOf,
} from '../domain/broadcast';
import { BroadcastsQueue } from '../infrastructure/broadcasts.queue';
import { BroadcastsRepository } from '../infrastructure/broadcasts.repository';
import { SendRateLimiter } from '../infrastructure/send-rate.limiter';

export interface CreateBroadcastInput {
  text: string;
  media?: { type: MediaType; url?: string; fileId?: string };
  buttons?: BroadcastButton[][];
  filter: BroadcastFilter;
  scheduledAt?: Date;
  allowPaidBroadcast?: boolean;
  delivery?: DeliveryMode;
  /** The admin's Telegram id. */
  createdBy?: string;
}

/** What the admin API shows of a broadcast: its state and live counters. */
export interface BroadcastView {
  publicId: string;
  status: BroadcastStatus;
  text: string;
  media: { type: MediaType; url?: string; fileId?: string } | null;
  buttons: BroadcastButton[][];
  filter: BroadcastFilter;
  scheduledAt: Date | null;
  allowPaidBroadcast: boolean;
  delivery: DeliveryMode;
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  pending: number;
  /** Messages per second over the last few seconds. */
  ratePerSecond: number;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Broadcasts as operators drive them: create, look, start, cancel, try on themselves first. */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly repository: BroadcastsRepository,
    private readonly queue: BroadcastsQueue,
    private readonly limiter: SendRateLimiter,
    private readonly telegram: TelegramSender,
  ) {}

  /** A draft, or a scheduled broadcast whose start is queued for its time. */
  async create(input: CreateBroadcastInput, now = new Date()): Promise<BroadcastView> {
    const content = checkContent({ text: input.text, parseMode: 'HTML', media: input.media, buttons: input.buttons });
    const filter = checkFilter(input.filter);
    if (input.scheduledAt && input.scheduledAt.getTime() < now.getTime() - 60_000)
      throw new DomainError('BROADCAST_INVALID', 'scheduledAt is in the past', { fields: { scheduledAt: 'must not be in the past' } });
    const broadcast = await this.repository.insert({
      publicId: `bc_${randomBytes(9).toString('base64url')}`,
      content,
      filter,
      status: input.scheduledAt ? 'scheduled' : 'draft',
      scheduledAt: input.scheduledAt ?? null,
      allowPaidBroadcast: input.allowPaidBroadcast ?? false,
      delivery: input.delivery ?? 'exactly_once',
      createdBy: input.createdBy ?? null,
    });
    if (input.scheduledAt) await this.queue.start(broadcast.id, Math.max(0, input.scheduledAt.getTime() - Date.now()));
    return this.view(broadcast);
  }

  /** Users a filter would reach if a broadcast started now (blocked and banned users excluded, as in delivery). */
  async audienceSize(filter: BroadcastFilter): Promise<number> {
    return this.repository.audienceCount(checkFilter(filter));
  }

  async list(limit: number, offset: number): Promise<{ items: BroadcastView[]; total: number; limit: number; offset: number }> {
    const { items, total } = await this.repository.list(limit, offset);
    return { items: await Promise.all(items.map((b) => this.view(b))), total, limit, offset };
  }

  async get(publicId: string): Promise<BroadcastView> {
    return this.view(await this.find(publicId));
  }

  /** Starts a draft now, or a scheduled one ahead of its time. */
  async start(publicId: string): Promise<BroadcastView> {
    const broadcast = await this.find(publicId);
    if (!(await this.repository.transition(broadcast.id, STARTABLE, 'running'))) throw wrongStatus(broadcast, 'started');
    // Were this enqueue lost, the tick finds a running broadcast with no lanes and starts it again.
    await this.queue.start(broadcast.id);
    return this.get(publicId);
  }

  /** Lanes see it at their next claim (well under a second); sends already in flight are still recorded. */
  async cancel(publicId: string): Promise<BroadcastView> {
    const broadcast = await this.find(publicId);
    if (!(await this.repository.transition(broadcast.id, CANCELLABLE, 'cancelled'))) throw wrongStatus(broadcast, 'cancelled');
    return this.get(publicId);
  }

  /**
   * Sends the broadcast to one chat (the admin's) now, outside the rate and the recipients, so the
   * operator sees it as users will. An uploaded media's file_id is kept for the real run.
   */
  async testSend(publicId: string, chatId: string): Promise<{ sent: true; messageId: number }> {
    const broadcast = await this.find(publicId);
    const media = broadcast.content.media;
    try {
      const sent = await this.telegram.sendBroadcast(chatId, {
        text: broadcast.content.text,
        ...(media ? { media: { type: media.type, file: broadcast.mediaFileId ?? media.fileId ?? media.url ?? '' } } : {}),
        ...(broadcast.content.buttons?.length ? { buttons: broadcast.content.buttons } : {}),
      });
      if (!sent) throw new DomainError('BROADCAST_TELEGRAM_UNAVAILABLE', 'No bot token is configured');
      if (sent.fileId && media?.url && !broadcast.mediaFileId) await this.repository.setMediaFileId(broadcast.id, sent.fileId);
      return { sent: true, messageId: sent.messageId };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BROADCAST_TELEGRAM_UNAVAILABLE') throw error;
      const failure = classifySendError(error);
      if (failure.kind === 'rejected')
        throw new DomainError('BROADCAST_INVALID', `Telegram refused the message: ${failure.reason}`, { telegram: failure.reason });
      throw new DomainError('BROADCAST_TELEGRAM_UNAVAILABLE', `Telegram did not take the message (${failure.kind})`, { failure });
    }
  }

  private async find(publicId: string): Promise<Broadcast> {
    const broadcast = await this.repository.findByPublicId(publicId);
    if (!broadcast) throw new DomainError('BROADCAST_NOT_FOUND', 'No such broadcast', { publicId });
    return broadcast;
  }

  private async view(b: Broadcast): Promise<BroadcastView> {
    return {
      publicId: b.publicId,
      status: b.status,
      text: b.content.text,
      media: b.content.media ? { ...b.content.media, ...(b.mediaFileId ? { fileId: b.mediaFileId } : {}) } : null,
      buttons: b.content.buttons ?? [],
      filter: b.filter,
      scheduledAt: b.scheduledAt,
      allowPaidBroadcast: b.allowPaidBroadcast,
      delivery: b.delivery,
      total: b.total,
      sent: b.sent,
      failed: b.failed,
      blocked: b.blocked,
      pending: pendingOf(b),
      ratePerSecond: b.status === 'running' ? await this.limiter.rateNow(b.id) : 0,
      createdBy: b.createdBy,
      createdAt: b.createdAt,
      startedAt: b.startedAt,
      finishedAt: b.finishedAt,
    };
  }
}

const wrongStatus = (b: Broadcast, verb: string) =>
  new DomainError('BROADCAST_WRONG_STATUS', `A ${b.status} broadcast cannot be ${verb}`, { status: b.status });
