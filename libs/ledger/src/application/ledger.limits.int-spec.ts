import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@genbot/core';
import { createIntegrationModule } from '@genbot/testing';
import { ACCOUNT_COUNTER_MAX } from '../domain/ledger.limits';
import { verifyLedger } from '../infrastructure/ledger-verifier';
import { LedgerModule } from '../ledger.module';
import { LedgerService } from './ledger.service';

const BIG = 1e15;

/**
 * Issue 7 item 10: no ledger counter can overflow. Counters only grow, so reaching the bound
 * takes 9e15 credits; these tests move them between accounts of their own (system-like, no user),
 * so no shared account of the other suites comes near it.
 */
describe('LedgerService bounds against PostgreSQL', () => {
  let moduleRef: TestingModule;
  let ledger: LedgerService;
  let db: DataSource;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([LedgerModule], { LEDGER_MAX_TRANSFER_CREDITS: String(BIG) });
    ledger = moduleRef.get(LedgerService);
    db = moduleRef.get(DataSource);
  });
  afterEach(async () => expect(await verifyLedger(db)).toBeUndefined());
  afterAll(() => moduleRef.close());

  const newAccount = async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO ledger_accounts (id, code, debits_must_not_exceed_credits) VALUES ($1, 'test_bounds', false)`, [id]);
    return id;
  };
  const move = (from: string, to: string, amount: number) =>
    ledger.transfer({ idempotencyKey: randomUUID(), from: { userId: from }, to: { userId: to }, amount, kind: 'admin_adjustment' });
  const counters = async (id: string) =>
    (
      await db.query(`SELECT debits_pending::text, debits_posted::text, credits_pending::text, credits_posted::text FROM ledger_accounts WHERE id = $1`, [id])
    )[0];
  const errorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: DomainError) => error,
    );

  it('refuses a transfer that would take a counter past 9e15 with LEDGER_LIMIT_EXCEEDED, moving nothing, and keeps the account usable', async () => {
    const [source, target, other] = [await newAccount(), await newAccount(), await newAccount()];
    for (let i = 0; i < ACCOUNT_COUNTER_MAX / BIG; i++) await move(source, target, BIG);
    const before = [await counters(source), await counters(target)];
    expect(before[1].credits_posted).toBe('9000000000000000');

    const error = await errorOf(move(other, target, 1));
    expect(error).toMatchObject({ code: 'LEDGER_LIMIT_EXCEEDED' });
    expect(await errorOf(move(source, other, 1))).toMatchObject({ code: 'LEDGER_LIMIT_EXCEEDED' });
    expect([await counters(source), await counters(target)]).toEqual(before);
    expect(await counters(other)).toEqual({ debits_pending: '0', debits_posted: '0', credits_pending: '0', credits_posted: '0' });
    // The way the other counters go is still open, and the refusals left no transfer behind.
    await move(target, other, 5);
    expect((await counters(other)).credits_posted).toBe('5');
  });

  it('refuses a capture that would take the payer’s debits past the bound; the hold can still be released', async () => {
    const [source, payer, sink] = [await newAccount(), await newAccount(), await newAccount()];
    for (let i = 0; i < 9; i++) await move(source, payer, BIG);
    for (let i = 0; i < 8; i++) await move(payer, sink, BIG);
    await move(payer, sink, BIG - 10);
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId: payer, amount: 20 });
    expect(await errorOf(ledger.capture({ holdId: hold.id }))).toMatchObject({ code: 'LEDGER_LIMIT_EXCEEDED' });
    expect((await counters(payer)).debits_pending).toBe('20');
    await ledger.capture({ holdId: hold.id, amount: 10, idempotencyKey: randomUUID() });
    expect((await counters(payer)).debits_posted).toBe('9000000000000000');
  });

  it('refuses more than LEDGER_MAX_TRANSFER_CREDITS in one transfer or hold with a 400 naming amount', async () => {
    const [source, target] = [await newAccount(), await newAccount()];
    expect(await errorOf(move(source, target, BIG + 1))).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'amount' }] } });
    expect(await errorOf(ledger.reserve({ idempotencyKey: randomUUID(), userId: source, amount: BIG + 1 }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await counters(target)).toMatchObject({ credits_posted: '0' });
  });

  it('answers a replay only when every parameter matches, meta compared canonically', async () => {
    const [source, target] = [await newAccount(), await newAccount()];
    const key = randomUUID();
    const first = await ledger.transfer({
      idempotencyKey: key,
      from: { userId: source },
      to: { userId: target },
      amount: 3,
      kind: 'promo',
      meta: { reason: 'r', client: 'c', nested: { b: 1, a: 2 } },
    });
    const again = await ledger.transfer({
      idempotencyKey: key,
      from: { userId: source },
      to: { userId: target },
      amount: 3,
      kind: 'promo',
      meta: { nested: { a: 2, b: 1 }, client: 'c', reason: 'r' },
    });
    expect(again).toEqual({ transfer: first.transfer, created: false });
    const otherReason = ledger.transfer({
      idempotencyKey: key,
      from: { userId: source },
      to: { userId: target },
      amount: 3,
      kind: 'promo',
      meta: { reason: 'other', client: 'c', nested: { a: 2, b: 1 } },
    });
    expect(await errorOf(otherReason)).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_CONFLICT' });

    const holdKey = randomUUID();
    await ledger.reserve({ idempotencyKey: holdKey, userId: source, amount: 2, ttlSeconds: 600 });
    expect((await ledger.reserve({ idempotencyKey: holdKey, userId: source, amount: 2, ttlSeconds: 600 })).created).toBe(false);
    expect(await errorOf(ledger.reserve({ idempotencyKey: holdKey, userId: source, amount: 2, ttlSeconds: 60 }))).toMatchObject({
      code: 'LEDGER_IDEMPOTENCY_CONFLICT',
    });
  });
});
