import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@genbot/core';
import { backdateHold, createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { UsersModule, UsersService } from '@genbot/users';
import { verifyLedger } from '../infrastructure/ledger-verifier';
import { LedgerModule } from '../ledger.module';
import { LedgerService } from './ledger.service';

describe('LedgerService against PostgreSQL', () => {
  let moduleRef: TestingModule;
  let ledger: LedgerService;
  let users: UsersService;
  let db: DataSource;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([UsersModule, LedgerModule], { DATABASE_POOL_SIZE: '20' });
    ledger = moduleRef.get(LedgerService);
    users = moduleRef.get(UsersService);
    db = moduleRef.get(DataSource);
  });
  afterEach(async () => expect(await verifyLedger(db)).toBeUndefined());
  afterAll(() => moduleRef.close());

  const newUser = async (credits = 0) => {
    const { user } = await users.register({ telegramId: String(uniqueTelegramId()) });
    if (credits > 0)
      await ledger.transfer({ idempotencyKey: `fund:${user.id}`, from: { system: 'promotions' }, to: { userId: user.id }, amount: credits, kind: 'promo' });
    return user.id;
  };
  const codeOf = (result: PromiseSettledResult<unknown>) => (result.status === 'rejected' ? (result.reason as DomainError).code : 'ok');

  it('gives every user a zero balance account at registration', async () => {
    expect(await ledger.balance(await newUser())).toEqual({ balance: 0, reserved: 0, available: 0 });
  });

  it('lets exactly floor(balance / amount) of 200 concurrent spends through', async () => {
    const userId = await newUser(1000);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        ledger.transfer({ idempotencyKey: randomUUID(), from: { userId }, to: { system: 'generation_spend' }, amount: 7, kind: 'charge' }),
      ),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(142);
    expect(codes.filter((c) => c === 'LEDGER_INSUFFICIENT_CREDITS')).toHaveLength(58);
    expect(await ledger.balance(userId)).toEqual({ balance: 6, reserved: 0, available: 6 });
  });

  it('lets exactly floor(available / amount) of 200 concurrent holds through', async () => {
    const userId = await newUser(100);
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 3 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(33);
    expect(await ledger.balance(userId)).toEqual({ balance: 100, reserved: 99, available: 1 });
  });

  it('resolves a hold once when 50 captures and 50 releases race', async () => {
    const userId = await newUser(50);
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 20 });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        i % 2
          ? ledger.capture({ holdId: hold.id, idempotencyKey: `c${i}:${hold.id}` })
          : ledger.release({ holdId: hold.id, idempotencyKey: `r${i}:${hold.id}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(new Set(results.map(codeOf).filter((c) => c !== 'ok'))).toEqual(new Set(['LEDGER_HOLD_ALREADY_RESOLVED']));
    const { balance, reserved } = await ledger.balance(userId);
    expect(reserved).toBe(0);
    expect([30, 50]).toContain(balance);
  });

  it('moves nothing when a transfer, capture or release is retried with its key', async () => {
    const userId = await newUser(100);
    const spend = { idempotencyKey: randomUUID(), from: { userId }, to: { system: 'generation_spend' as const }, amount: 10, kind: 'charge' as const };
    const first = await ledger.transfer(spend);
    const again = await ledger.transfer(spend);
    expect(again).toEqual({ transfer: first.transfer, created: false });
    await expect(ledger.transfer({ ...spend, amount: 11 })).rejects.toMatchObject({ code: 'LEDGER_IDEMPOTENCY_CONFLICT' });

    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 30 });
    const captured = await ledger.capture({ holdId: hold.id });
    expect((await ledger.capture({ holdId: hold.id })).created).toBe(false);
    expect(captured.created).toBe(true);
    await expect(ledger.release({ holdId: hold.id })).rejects.toMatchObject({ code: 'LEDGER_HOLD_ALREADY_RESOLVED' });

    const second = (await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 5 })).hold;
    await ledger.release({ holdId: second.id });
    expect((await ledger.release({ holdId: second.id })).created).toBe(false);
    await expect(ledger.capture({ holdId: second.id })).rejects.toMatchObject({ code: 'LEDGER_HOLD_ALREADY_RESOLVED' });
    expect(await ledger.balance(userId)).toEqual({ balance: 60, reserved: 0, available: 60 });
  });

  it('captures part of a hold and returns the rest; refuses more than was held', async () => {
    const userId = await newUser(100);
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 40 });
    await expect(ledger.capture({ holdId: hold.id, amount: 41 })).rejects.toMatchObject({ code: 'LEDGER_CAPTURE_EXCEEDS_HOLD' });
    await ledger.capture({ holdId: hold.id, amount: 25 });
    expect(await ledger.balance(userId)).toEqual({ balance: 75, reserved: 0, available: 75 });
  });

  it('lets a hold left behind by a crash expire: the worker voids it and a late capture is refused', async () => {
    const userId = await newUser(10);
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 8, ttlSeconds: 1 });
    // The process that made the hold "dies" here: nobody captures or releases it.
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 8, available: 2 });
    await backdateHold(db, hold.id); // its ttl has passed, without waiting for it
    expect(await ledger.expireDueHolds()).toBeGreaterThanOrEqual(1);
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 0, available: 10 });
    await expect(ledger.capture({ holdId: hold.id })).rejects.toMatchObject({ code: 'LEDGER_HOLD_EXPIRED' });
    expect(await ledger.expireDueHolds()).toBe(0);
  });

  it('refuses a capture of an expired hold even before the worker got to it, and returns the credits', async () => {
    const userId = await newUser(10);
    const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 4, ttlSeconds: 1 });
    await backdateHold(db, hold.id); // its ttl has passed, without waiting for it
    await expect(ledger.capture({ holdId: hold.id })).rejects.toMatchObject({ code: 'LEDGER_HOLD_EXPIRED' });
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 0, available: 10 });
  });

  it('refuses non-positive, fractional and unsafe amounts before touching the database', async () => {
    const userId = await newUser(10);
    for (const amount of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      await expect(
        ledger.transfer({ idempotencyKey: randomUUID(), from: { userId }, to: { system: 'generation_spend' }, amount, kind: 'charge' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    expect((await ledger.balance(userId)).balance).toBe(10);
  });

  it('reports an unknown account instead of inventing one', async () => {
    await expect(
      ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'promotions' }, to: { userId: randomUUID() }, amount: 1, kind: 'promo' }),
    ).rejects.toMatchObject({
      code: 'LEDGER_ACCOUNT_NOT_FOUND',
    });
    await expect(ledger.balance(randomUUID())).rejects.toMatchObject({ code: 'LEDGER_ACCOUNT_NOT_FOUND' });
  });

  it('enforces non-negative availability in the database itself, not only in code', async () => {
    const userId = await newUser(5);
    await expect(db.query(`UPDATE ledger_accounts SET debits_posted = debits_posted + 6 WHERE id = $1`, [userId])).rejects.toThrow(
      /ledger_accounts_available_non_negative/,
    );
  });

  it("moves credits inside the caller's transaction: nothing is left when it rolls back", async () => {
    const userId = await newUser(10);
    await expect(
      db.transaction(async (em) => {
        await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 7 }, em);
        await ledger.transfer({ idempotencyKey: randomUUID(), from: { userId }, to: { system: 'generation_spend' }, amount: 2, kind: 'charge' }, em);
        expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 0, available: 10 }); // not committed yet
        throw new Error('the caller fails after the hold');
      }),
    ).rejects.toThrow('the caller fails after the hold');
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 0, available: 10 });
    expect(await db.query(`SELECT 1 FROM ledger_transfers WHERE debit_account_id = $1`, [userId])).toHaveLength(0);

    const { hold } = await db.transaction((em) => ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 7 }, em));
    expect(await ledger.balance(userId)).toEqual({ balance: 10, reserved: 7, available: 3 });
    await ledger.release({ holdId: hold.id });
  });

  it("refuses an overdraft inside a savepoint without spoiling the caller's transaction", async () => {
    const userId = await newUser(3);
    const outcome = await db.transaction(async (em) => {
      const refused = await em.transaction((sp) => ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 4 }, sp)).catch((e: DomainError) => e.code);
      const { hold } = await ledger.reserve({ idempotencyKey: randomUUID(), userId, amount: 3 }, em);
      return { refused, hold };
    });
    expect(outcome.refused).toBe('LEDGER_INSUFFICIENT_CREDITS');
    expect(await ledger.balance(userId)).toEqual({ balance: 3, reserved: 3, available: 0 });
    await ledger.release({ holdId: outcome.hold.id });
  });
});
