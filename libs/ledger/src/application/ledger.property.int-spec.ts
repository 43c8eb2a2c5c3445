import type { TestingModule } from '@nestjs/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@genbot/core';
import { backdateHold, createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { UsersModule, UsersService } from '@genbot/users';
import { verifyLedger } from '../infrastructure/ledger-verifier';
import { LedgerModule } from '../ledger.module';
import { LedgerService } from './ledger.service';

type Op =
  | { type: 'add'; user: number; amount: number }
  | { type: 'spend'; user: number; amount: number }
  | { type: 'hold'; user: number; amount: number }
  | { type: 'capture'; hold: number; part: number }
  | { type: 'release'; hold: number }
  | { type: 'expire'; hold: number }
  | { type: 'retry'; back: number };

/** The simple model the ledger must agree with: plain numbers per user and a list of holds. */
interface Model {
  balance: number[];
  reserved: number[];
  holds: { id: string; user: number; amount: number; state: 'open' | 'captured' | 'released' | 'expired'; captureKey?: string }[];
}

const USERS = 3;
const user = fc.integer({ min: 0, max: USERS - 1 });
const amount = fc.integer({ min: 1, max: 60 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('add' as const), user, amount }),
  fc.record({ type: fc.constant('spend' as const), user, amount }),
  fc.record({ type: fc.constant('hold' as const), user, amount }),
  fc.record({ type: fc.constant('capture' as const), hold: fc.nat(20), part: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ type: fc.constant('release' as const), hold: fc.nat(20) }),
  fc.record({ type: fc.constant('expire' as const), hold: fc.nat(20) }),
  fc.record({ type: fc.constant('retry' as const), back: fc.nat(5) }),
);

describe('ledger against a model (property-based)', () => {
  let moduleRef: TestingModule;
  let ledger: LedgerService;
  let users: UsersService;
  let db: DataSource;

  beforeAll(async () => {
    moduleRef = await createIntegrationModule([UsersModule, LedgerModule]);
    ledger = moduleRef.get(LedgerService);
    users = moduleRef.get(UsersService);
    db = moduleRef.get(DataSource);
  });
  afterAll(() => moduleRef.close());

  it('keeps every invariant and agrees with the model after every step of random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const ids = await Promise.all(Array.from({ length: USERS }, async () => (await users.register({ telegramId: String(uniqueTelegramId()) })).user.id));
        const model: Model = { balance: Array(USERS).fill(0), reserved: Array(USERS).fill(0), holds: [] };
        const done: (() => Promise<unknown>)[] = [];

        for (const step of ops) {
          const call = await apply(step, ids, model, done);
          if (call) done.push(call);
          for (let u = 0; u < USERS; u++) {
            const actual = await ledger.balance(ids[u]);
            expect(actual).toEqual({ balance: model.balance[u], reserved: model.reserved[u], available: model.balance[u] - model.reserved[u] });
          }
          expect(await verifyLedger(db)).toBeUndefined();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  /** Runs one step against the ledger and the model; returns the call so a later step can retry it. */
  async function apply(step: Op, ids: string[], model: Model, done: (() => Promise<unknown>)[]): Promise<(() => Promise<unknown>) | undefined> {
    const available = (u: number) => model.balance[u] - model.reserved[u];
    const hold = 'hold' in step ? model.holds[step.hold % Math.max(model.holds.length, 1)] : undefined;
    switch (step.type) {
      case 'add': {
        const call = () =>
          ledger.transfer({ idempotencyKey: key, from: { system: 'promotions' }, to: { userId: ids[step.user] }, amount: step.amount, kind: 'promo' });
        const key = randomUUID();
        await call();
        model.balance[step.user] += step.amount;
        return call;
      }
      case 'spend': {
        const key = randomUUID();
        const call = () =>
          ledger.transfer({ idempotencyKey: key, from: { userId: ids[step.user] }, to: { system: 'generation_spend' }, amount: step.amount, kind: 'charge' });
        if (step.amount > available(step.user)) return expectCode(call(), 'LEDGER_INSUFFICIENT_CREDITS');
        await call();
        model.balance[step.user] -= step.amount;
        return call;
      }
      case 'hold': {
        const key = randomUUID();
        const call = () => ledger.reserve({ idempotencyKey: key, userId: ids[step.user], amount: step.amount, ttlSeconds: 3600 });
        if (step.amount > available(step.user)) return expectCode(call(), 'LEDGER_INSUFFICIENT_CREDITS');
        const { hold: created } = await call();
        model.reserved[step.user] += step.amount;
        model.holds.push({ id: created.id, user: step.user, amount: step.amount, state: 'open' });
        return call;
      }
      case 'capture': {
        if (!hold) return undefined;
        const part = Math.max(1, Math.floor(hold.amount * step.part));
        const key = `capture:${hold.id}:${part}`;
        const call = () => ledger.capture({ holdId: hold.id, amount: part, idempotencyKey: key });
        // The same capture again is a replay of the first: it succeeds and moves nothing.
        if (hold.state === 'captured' && hold.captureKey === key) return void expect((await call()).created).toBe(false);
        if (hold.state !== 'open') return expectCode(call(), hold.state === 'expired' ? 'LEDGER_HOLD_EXPIRED' : 'LEDGER_HOLD_ALREADY_RESOLVED');
        await call();
        model.reserved[hold.user] -= hold.amount;
        model.balance[hold.user] -= part;
        hold.state = 'captured';
        hold.captureKey = key;
        return call;
      }
      case 'release': {
        if (!hold) return undefined;
        const call = () => ledger.release({ holdId: hold.id });
        if (hold.state === 'captured' || hold.state === 'expired')
          return expectCode(call(), hold.state === 'expired' ? 'LEDGER_HOLD_EXPIRED' : 'LEDGER_HOLD_ALREADY_RESOLVED');
        await call();
        if (hold.state === 'open') model.reserved[hold.user] -= hold.amount;
        hold.state = 'released';
        return call;
      }
      case 'expire': {
        if (!hold || hold.state !== 'open') return undefined;
        // The clock moves past this hold's timeout: its timestamps shift back together (ttl kept).
        await backdateHold(db, hold.id);
        await ledger.expireDueHolds();
        model.reserved[hold.user] -= hold.amount;
        hold.state = 'expired';
        return undefined;
      }
      case 'retry': {
        // A client repeating an earlier successful call with the same key: nothing may move.
        const earlier = done[done.length - 1 - (step.back % Math.max(done.length, 1))];
        if (earlier) await earlier();
        return undefined;
      }
    }
  }
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<undefined> {
  await expect(promise).rejects.toBeInstanceOf(DomainError);
  await promise.catch((error: DomainError) => expect(error.code).toBe(code));
  return undefined;
}
