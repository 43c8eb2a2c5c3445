import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, CacheBus, DomainError, LayeredCache, afterCommit } from '@genbot/core';
import { accountNotFound, amountTooLarge, holdExpired, invalidAmount } from '../domain/ledger.errors';
import { AccountRef, Balance, GENERATION_SPEND_SHARDS, SystemAccount, Transfer, TransferKind, accountId, isUserAccount } from '../domain/ledger.types';
import { LedgerRepository, ResolveOutcome } from '../infrastructure/ledger.repository';

export const DEFAULT_HOLD_TTL_SECONDS = 15 * 60;
export const MAX_HOLD_TTL_SECONDS = 7 * 24 * 3600;

/** Seed 002 keeps balances a minute (in Redis); as long in each process's memory, since every movement invalidates them everywhere. */
const BALANCE_TTL_SECONDS = 60;

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

  /** Users' balances by user id, for reads that only show them. Every movement below invalidates its user's entry. */
  private readonly balances: LayeredCache<Balance>;

  constructor(
    private readonly repository: LedgerRepository,
    config: AppConfig,
    caches: CacheBus,
  ) {
    this.maxTransferCredits = config.env.LEDGER_MAX_TRANSFER_CREDITS;
    this.balances = caches.create<Balance>({ namespace: 'balances', memoryTtlMs: BALANCE_TTL_SECONDS * 1000, redisTtlSeconds: BALANCE_TTL_SECONDS });
  }

  /** With `em`, the transfer is part of the caller's transaction (see LedgerRepository.create). */
  async transfer(input: TransferInput, em?: EntityManager): Promise<{ transfer: Transfer; created: boolean }> {
    this.assertAmount(input.amount);
    const outcome = await this.repository.create(
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
    await this.moved([outcome.transfer.debitAccountId, outcome.transfer.creditAccountId], em);
    return outcome;
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
    await this.moved([input.userId], em);
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
    await this.resolved(outcome);
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
    await this.resolved(outcome);
    if (outcome.expired) throw holdExpired(input.holdId);
    return outcome;
  }

  /** Voids holds past their timeout; returns how many. Run by the worker on a schedule. */
  async expireDueHolds(limit = 500): Promise<number> {
    let expired = 0;
    for (const holdId of await this.repository.dueHolds(limit)) {
      try {
        const outcome = await this.repository.resolve({ idempotencyKey: `expire:${holdId}`, pendingId: holdId, phase: 'void', meta: { expired: true } });
        await this.resolved(outcome);
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

  /**
   * The balance through the cache, for reads that show it (the Mini App). A movement made through
   * this service reaches every process's copy before its next read there; one made around it
   * (raw SQL) waits for the TTL. Decisions about money (can the user afford it) read `balance`.
   */
  async balanceCached(userId: string): Promise<Balance> {
    return (await this.balances.get(userId, () => this.repository.balance(userId))) ?? throwAccountNotFound(userId);
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

  /** A hold's resolution (or its expiry, found on the way) moved its user's credits. */
  private resolved(outcome: ResolveOutcome): Promise<void> {
    return this.moved([outcome.expired ? outcome.pending.debitAccountId : outcome.transfer.debitAccountId]);
  }

  /**
   * After a movement (or its replay: the earlier call may have died before invalidating), every
   * process forgets the users' cached balances, once the movement is committed: invalidated
   * inside the caller's transaction, a reader could cache the old balance again before the commit.
   */
  private async moved(accountIds: string[], em?: EntityManager): Promise<void> {
    const users = accountIds.filter(isUserAccount);
    if (users.length > 0) await afterCommit(em, async () => void (await Promise.all(users.map((id) => this.balances.invalidate(id)))));
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

function throwAccountNotFound(userId: string): never {
  throw accountNotFound(userId);
}

function userOf(ref: AccountRef): string | undefined {
  return 'userId' in ref ? ref.userId : undefined;
}
