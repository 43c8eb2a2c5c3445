import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SettingsService } from '@genbot/core';
import { BroadcastMessage, SendFailure, TelegramSender, classifySendError } from '@genbot/telegram';
import { UsersService } from '@genbot/users';
import type { Broadcast } from '../domain/broadcast';
import { BroadcastsQueue, LANES } from '../infrastructure/broadcasts.queue';
import { BroadcastsRepository, ClaimedRecipient, RecipientOutcome } from '../infrastructure/broadcasts.repository';
import { RateClass, SendRateLimiter } from '../infrastructure/send-rate.limiter';

/** Users per keyset page when expanding the audience. */
const EXPAND_PAGE = 5000;
/** Most sends one lane has in flight at once. */
const MAX_BATCH = 100;
/** Attempts of a send that failed without delivering before the recipient is failed with the reason. */
export const MAX_ATTEMPTS = 4;
/** A lane run's lease: outlives the longest send (SEND_TIMEOUT_MS) between two renewals. */
const LEASE_MS = 20_000;
const SEND_TIMEOUT_MS = 10_000;
/** A wait longer than this (a long 429) frees the worker: the lane goes on as a delayed job. */
const HAND_OVER_MS = 5000;

export type LaneResult = 'completed' | 'stopped' | 'idle' | { resumeInMs: number };

/**
 * The worker side of a broadcast: expanding its audience, then lanes that each loop take tokens →
 * claim that many recipients (`sending`) → send → record, so a recipient is claimed before its
 * call and marked after. The rate, the 429 pause and the per-chat second live in Redis, shared by
 * every lane in every process.
 */
@Injectable()
export class BroadcastDelivery {
  private readonly logger = new Logger(BroadcastDelivery.name);

  constructor(
    private readonly repository: BroadcastsRepository,
    private readonly limiter: SendRateLimiter,
    private readonly queue: BroadcastsQueue,
    private readonly telegram: TelegramSender,
    private readonly users: UsersService,
    private readonly settings: SettingsService,
  ) {}

  /**
   * Starts (or, after a crash, resumes starting) a broadcast: running, audience expanded page by
   * page, media uploaded once, lanes opened. Each step is safe to repeat.
   */
  async start(broadcastId: string, round = 0): Promise<void> {
    await this.repository.transition(broadcastId, ['draft', 'scheduled'], 'running');
    const broadcast = await this.repository.findById(broadcastId);
    if (broadcast?.status !== 'running') return;
    while (await this.repository.expandPage(broadcastId, broadcast.filter, EXPAND_PAGE));
    // Recipients one at a time first, as lane 0, until one answer carries the file_id every other send reuses.
    const token = `0-${randomUUID()}`;
    // The prime sends as lane 0 (a crash leaves its claim for lane 0's recovery), so it must hold lane 0's lease.
    while (broadcast.content.media?.url && !broadcast.mediaFileId && (await this.limiter.lease(broadcastId, 0, token, LEASE_MS)) === 0) {
      const step = await this.sendBatch(broadcast, 0, token, 1);
      if (step === 'empty' || step === 'lost') break;
      if (typeof step === 'object') await sleep(Math.min(step.waitMs, HAND_OVER_MS));
    }
    await this.limiter.releaseLease(broadcastId, 0, token);
    for (let lane = 0; lane < LANES; lane++) await this.queue.lane(broadcastId, lane, round);
    await this.repository.completeIfDone(broadcastId);
  }

  /**
   * Runs one lane until the broadcast has nothing left for it. First resolves what an earlier,
   * dead run of this lane left `sending` (BullMQ runs one job id at a time, so any such row is an orphan).
   */
  async runLane(broadcastId: string, lane: number): Promise<LaneResult> {
    const broadcast = await this.repository.findById(broadcastId);
    if (broadcast?.status !== 'running') return 'stopped';
    const token = `${lane}-${randomUUID()}`;
    const heldFor = await this.limiter.lease(broadcastId, lane, token, LEASE_MS);
    if (heldFor > 0) return { resumeInMs: heldFor + 100 };
    try {
      const recovered = await this.repository.recoverLane(broadcastId, lane, broadcast.delivery);
      if (recovered > 0) this.logger.warn({ broadcastId, lane, recovered, delivery: broadcast.delivery }, 'resolved sends a dead worker left in flight');
      return await this.loop(broadcast, lane, token);
    } finally {
      await this.limiter.releaseLease(broadcastId, lane, token);
    }
  }

  private async loop(broadcast: Broadcast, lane: number, token: string): Promise<LaneResult> {
    const broadcastId = broadcast.id;
    for (;;) {
      const step = await this.sendBatch(broadcast, lane, token, MAX_BATCH);
      if (step === 'sent') continue;
      // Lost to another run (this process stalled past the lease): stop before touching its rows.
      if (step === 'lost') return 'stopped';
      if (typeof step === 'object') {
        if (step.waitMs > HAND_OVER_MS) return { resumeInMs: step.waitMs };
        await sleep(step.waitMs);
        continue;
      }
      const state = await this.repository.laneState(broadcastId);
      if (state.status !== 'running') return 'stopped';
      if (state.pending === 0) return (await this.repository.completeIfDone(broadcastId)) ? 'completed' : 'idle';
      const due = state.nextDueInMs ?? 0;
      if (due > HAND_OVER_MS) return { resumeInMs: due };
      await sleep(Math.max(50, due));
    }
  }

  /**
   * One round: the lease renewed with the tokens, claims, the chats' second reserved with the pause
   * checked, sends, outcomes. `empty` when nothing was claimable, `lost` when another run holds the lane.
   */
  private async sendBatch(broadcast: Broadcast, lane: number, token: string, want: number): Promise<'sent' | 'empty' | 'lost' | { waitMs: number }> {
    const rateClass: RateClass = broadcast.allowPaidBroadcast ? 'paid' : 'free';
    const grant = await this.limiter.take(rateClass, await this.rate(rateClass), want, { broadcastId: broadcast.id, lane, token, ms: LEASE_MS });
    if (grant.leaseHeldFor > 0) return 'lost';
    if (grant.granted === 0) return { waitMs: grant.waitMs };
    const claimed = await this.repository.claim(broadcast.id, lane, token, grant.granted);
    if (claimed.length === 0) return 'empty';
    const { pausedMs, free } = await this.limiter.reserveChats(claimed.map((r) => r.chatId));
    // A 429 seen by any sender since this lane took its tokens: these go back unsent.
    if (pausedMs > 0) {
      await this.repository.release(
        broadcast.id,
        token,
        claimed.map((r) => r.id),
        pausedMs,
        null,
        true,
      );
      return { waitMs: pausedMs };
    }
    // A chat that had a message this second (another broadcast, a retry) waits its second out, unsent.
    await this.repository.release(
      broadcast.id,
      token,
      claimed.filter((_, i) => !free[i]).map((r) => r.id),
      1000,
      null,
      true,
    );
    const ready = claimed.filter((_, i) => free[i]);
    const message = this.messageOf(broadcast);
    const results = await Promise.all(ready.map(async (r) => ({ r, result: await this.sendOne(r, message) })));

    const outcomes: RecipientOutcome[] = [];
    const retry: { ids: string[]; reason: string; delayMs: number }[] = [];
    let pauseSeconds = 0;
    for (const { r, result } of results) {
      if ('messageId' in result) {
        outcomes.push({ id: r.id, status: 'sent', messageId: result.messageId });
        if (result.fileId && broadcast.content.media?.url && !broadcast.mediaFileId) {
          await this.repository.setMediaFileId(broadcast.id, result.fileId);
          broadcast.mediaFileId = result.fileId;
        }
        continue;
      }
      const failure = result.failure;
      switch (failure.kind) {
        case 'retry_after':
          // Not delivered: back in line after the pause, no attempt spent.
          pauseSeconds = Math.max(pauseSeconds, failure.seconds);
          retry.push({ ids: [r.id], reason: `429 retry after ${failure.seconds}s`, delayMs: failure.seconds * 1000 });
          break;
        case 'blocked':
          outcomes.push({ id: r.id, status: 'blocked', error: 'blocked by the user' });
          await this.users.setBlocked({ id: r.userId }, true);
          break;
        case 'rejected':
          outcomes.push({ id: r.id, status: 'failed', error: failure.reason });
          break;
        case 'not_delivered':
          if (r.attempt >= MAX_ATTEMPTS) outcomes.push({ id: r.id, status: 'failed', error: failure.reason });
          else retry.push({ ids: [r.id], reason: failure.reason, delayMs: 1000 * 2 ** r.attempt });
          break;
        case 'unknown':
          // Telegram may have delivered it: once means once, unless the operator chose at-least-once.
          if (broadcast.delivery === 'at_least_once' && r.attempt < MAX_ATTEMPTS)
            retry.push({ ids: [r.id], reason: failure.reason, delayMs: 1000 * 2 ** r.attempt });
          else outcomes.push({ id: r.id, status: 'failed', error: `unknown: ${failure.reason}` });
          break;
      }
    }
    if (pauseSeconds > 0) this.logger.warn({ broadcastId: broadcast.id, retryAfter: pauseSeconds }, 'Telegram said 429: every sender paused');
    // Disjoint rows each: no order between them to keep, so they go together rather than one after another.
    await Promise.all([
      this.repository.finish(broadcast.id, token, outcomes),
      ...retry.map((r) => this.repository.release(broadcast.id, token, r.ids, r.delayMs, r.reason, r.reason.startsWith('429'))),
      this.limiter.countSent(broadcast.id, outcomes.filter((o) => o.status === 'sent').length),
    ]);
    return 'sent';
  }

  private async sendOne(r: ClaimedRecipient, message: BroadcastMessage): Promise<{ messageId: number; fileId?: string } | { failure: SendFailure }> {
    try {
      const sent = await this.telegram.sendBroadcast(r.chatId, message, SEND_TIMEOUT_MS);
      if (!sent) return { failure: { kind: 'rejected', reason: 'no bot token configured' } };
      return sent;
    } catch (error) {
      const failure = classifySendError(error);
      // At once, not after the batch: every other lane checks the pause before its next send.
      if (failure.kind === 'retry_after') await this.limiter.pause(failure.seconds);
      return { failure };
    }
  }

  private messageOf(b: Broadcast): BroadcastMessage {
    const media = b.content.media;
    return {
      text: b.content.text,
      ...(media ? { media: { type: media.type, file: b.mediaFileId ?? media.fileId ?? media.url ?? '' } } : {}),
      ...(b.content.buttons?.length ? { buttons: b.content.buttons } : {}),
      allowPaidBroadcast: b.allowPaidBroadcast,
    };
  }

  private async rate(rateClass: RateClass): Promise<number> {
    const value = Number(await this.settings.get(rateClass === 'paid' ? 'broadcast_paid_rate_per_second' : 'broadcast_rate_per_second'));
    return Number.isFinite(value) && value > 0 ? value : 1;
  }
}
