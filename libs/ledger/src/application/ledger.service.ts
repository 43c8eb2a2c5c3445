import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, DomainError } from '@genbot/core';
import { accountNotFound, amountTooLarge, holdExpired, invalidAmount } from '../domain/ledger.errors';
import { AccountRef, Balance, GENERATION_SPEND_SHARDS, SystemAccount, Transfer, TransferKind, accountId } from '../domain/ledger.types';
import { LedgerRepository } from '../infrastructure/ledger.repository';

export const DEFAULT_HOLD_TTL_SECONDS = 15 * 60;
export const MAX_HOLD_TTL_SECONDS = 7 * 24 * 3600;

export interface TransferInput {
  /** Chosen by the caller; a retry with the same key and parameters moves nothing. */
  idempotencyKey: string;
  from: AccountRef;
  to: AccountRef;
  amount: number;
  kind: TransferKind;
  reference?: string;
  meta?: Record<string, unknown>;
}

export interface ReserveInput {
  idempotencyKey: string;
  userId: string;
  amount: number;
  /** Where the credits go when the hold is captured. */
  to?: SystemAccount;
  kind?: TransferKind;
  ttlSeconds?: number;
  reference?: string;
  meta?: Record<string, unknown>;
}

/**
 * The credits ledger: transfers, and holds in two phases (reserve → capture or release, or expiry
 * by the worker). Every method is idempotent by its key, and safe under any concurrency: the
 * database refuses an overdraft, a second resolution of a hold, or a reused key.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger(LedgerService.name);

  /** Per transfer (LEDGER_MAX_TRANSFER_CREDITS); see ledger.limits.ts for why. */
  private readonly maxTransferCredits: number;

  constructor(
    private readonly repository: LedgerRepository,
    config: AppConfig,
  ) {
    this.maxTransferCredits = config.env.LEDGER_MAX_TRANSFER_CREDITS;
  }

  /** With `em`, the transfer is part of the caller's transaction (see LedgerRepository.create). */
  async transfer(input: TransferInput, em?: EntityManager): Promise<{ transfer: Transfer; created: boolean }> {
    this.assertAmount(input.amount);
    return this.repository.create(
      {
        idempotencyKey: input.idempotencyKey,
        debitAccountId: accountId(input.from, userOf(input.to)),
        creditAccountId: accountId(input.to, userOf(input.from)),
        amount: input.amount,
        phase: 'single',
        kind: input.kind,
        reference: input.reference,
        meta: input.meta,
      },
      em,
    );
  }

  /**
   * Holds `amount` of the user's available credits until captured, released or expired. With
   * `em`, the hold exists only if the caller's transaction commits.
   */
  async reserve(input: ReserveInput, em?: EntityManager): Promise<{ hold: Transfer; created: boolean }> {
    this.assertAmount(input.amount);
    const ttl = input.ttlSeconds ?? DEFAULT_HOLD_TTL_SECONDS;
    const { transfer, created } = await this.repository.create(
      {
        idempotencyKey: input.idempotencyKey,
        debitAccountId: input.userId,
        creditAccountId: accountId({ system: input.to ?? 'generation_spend' }, input.userId),
        amount: input.amount,
        phase: 'pending',
        timeoutSeconds: ttl,
        kind: input.kind ?? 'charge',
        reference: input.reference,
        meta: input.meta,
      },
      em,
    );
    return { hold: transfer, created };
  }

  /** Posts all of the hold, or `amount` of it (the rest returns to the user). */
  async capture(input: {
    holdId: string;
    amount?: number;
    idempotencyKey?: string;
    meta?: Record<string, unknown>;
  }): Promise<{ transfer: Transfer; created: boolean }> {
    if (input.amount !== undefined) this.assertAmount(input.amount);
    const outcome = await this.repository.resolve({
      idempotencyKey: input.idempotencyKey ?? `capture:${input.holdId}`,
      pendingId: input.holdId,
      phase: 'post',
      amount: input.amount,
      meta: input.meta,
    });
    if (outcome.expired) throw holdExpired(input.holdId);
    return outcome;
  }

  /** Voids the hold: all of it returns to the user. */
  async release(input: { holdId: string; idempotencyKey?: string; meta?: Record<string, unknown> }): Promise<{ transfer: Transfer; created: boolean }> {
    const outcome = await this.repository.resolve({
      idempotencyKey: input.idempotencyKey ?? `release:${input.holdId}`,
      pendingId: input.holdId,
      phase: 'void',
      meta: input.meta,
    });
    if (outcome.expired) throw holdExpired(input.holdId);
    return outcome;
  }

  /** Voids holds past their timeout; returns how many. Run by the worker on a schedule. */
  async expireDueHolds(limit = 500): Promise<number> {
    let expired = 0;
    for (const holdId of await this.repository.dueHolds(limit)) {
      try {
        const outcome = await this.repository.resolve({ idempotencyKey: `expire:${holdId}`, pendingId: holdId, phase: 'void', meta: { expired: true } });
        if (!outcome.expired && outcome.created) expired++;
      } catch (error) {
        // Captured or released meanwhile by its owner: nothing left to expire.
        if (!(error instanceof DomainError && error.code === 'LEDGER_HOLD_ALREADY_RESOLVED')) throw error;
      }
    }
    if (expired) this.logger.log(`voided ${expired} expired hold(s)`);
    return expired;
  }

  async balance(userId: string): Promise<Balance> {
    const balance = await this.repository.balance(userId);
    if (!balance) throw accountNotFound(userId);
    return balance;
  }

  findTransfer(id: string): Promise<Transfer | undefined> {
    return this.repository.findTransfer(id);
  }

  /** Seed 000's daily report: credits spent on generations on `day` (YYYY-MM-DD) and the charges that spent them. */
  async spentOn(day: string): Promise<{ credits: number; charges: number }> {
    const { credits, transfers } = await this.repository.creditedOn(GENERATION_SPEND_SHARDS, day);
    return { credits, charges: transfers };
  }

  /** Newest first; pass the last id of a page as `beforeId` for the next one. */
  history(userId: string, limit: number, beforeId?: string): Promise<Transfer[]> {
    return this.repository.history(userId, limit, beforeId);
  }

  private assertAmount(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw invalidAmount(amount);
    if (amount > this.maxTransferCredits) throw amountTooLarge(amount, this.maxTransferCredits);
  }

  /** A fresh key for callers that do not retry (each call is a new movement). */
  static oneOffKey(prefix: string): string {
    return `${prefix}:${randomUUID()}`;
  }
}

function userOf(ref: AccountRef): string | undefined {
  return 'userId' in ref ? ref.userId : undefined;
}
