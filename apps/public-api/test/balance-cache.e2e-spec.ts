import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CacheBus } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { backdateHold, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { User } from '@genbot/users';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-test-token_0000000000';

/**
 * The Mini App's balance read is cached (seed 002: a minute, in memory and Redis). Two public-api
 * instances on one PostgreSQL and Redis, as two replicas: every credit movement made through one
 * (a transfer, a hold, its capture, release or expiry, in a caller's transaction or not) is what
 * the other answers with on its next read, though it had the balance in memory.
 */
describe('public-api: the cached balance across instances', () => {
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    a = await bootstrapPublicApi(testConfig({ BOT_TOKEN }), { port: 0 });
    b = await bootstrapPublicApi(testConfig({ BOT_TOKEN }), { port: 0 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const initDataFor = (id: number) => signInitData(BOT_TOKEN, { user: { id, first_name: 'Mia', language_code: 'en' } });
  const balance = async (app: NestFastifyApplication, id: number) =>
    (await request(app.getHttpServer()).get(`/api/v1/users/${id}/balance`).set('X-Telegram-Init-Data', initDataFor(id)).expect(200)).body;
  /** Waits until instance b has handled every invalidation published so far (Redis pub/sub delivers them in order). */
  const delivered = () => b.get(CacheBus).sync();
  const ledger = () => a.get(LedgerService);

  async function syncedUser(): Promise<{ id: number; user: User }> {
    const id = uniqueTelegramId();
    const { body: user } = await request(a.getHttpServer()).post('/api/v1/users/sync').set('X-Telegram-Init-Data', initDataFor(id)).send({}).expect(200);
    return { id, user };
  }
  const fund = (userId: string, amount: number) =>
    ledger().transfer({ idempotencyKey: LedgerService.oneOffKey('test-fund'), from: { system: 'purchases' }, to: { userId }, amount, kind: 'purchase' });

  it('shows a transfer made through another instance on the next read', async () => {
    const { id, user } = await syncedUser();
    // b now holds the balance in memory (and Redis has it).
    expect(await balance(b, id)).toEqual({ balance: 0, available: 0, reserved: 0 });
    expect(await balance(b, id)).toEqual({ balance: 0, available: 0, reserved: 0 });

    await fund(user.id, 100);
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 100, available: 100, reserved: 0 });
    expect(await balance(a, id)).toEqual({ balance: 100, available: 100, reserved: 0 });
  });

  it('shows a hold in reserved and available, then its capture, release and expiry', async () => {
    const { id, user } = await syncedUser();
    await fund(user.id, 100);
    expect(await balance(b, id)).toEqual({ balance: 100, available: 100, reserved: 0 });

    const { hold: first } = await ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 30 });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 100, available: 70, reserved: 30 });

    await ledger().capture({ holdId: first.id, amount: 20 });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 80, available: 80, reserved: 0 });

    const { hold: second } = await ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 50 });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 80, available: 30, reserved: 50 });
    await ledger().release({ holdId: second.id });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 80, available: 80, reserved: 0 });

    const { hold: third } = await ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 10 });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 80, available: 70, reserved: 10 });
    await backdateHold(a.get(DataSource), third.id);
    await ledger().expireDueHolds();
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 80, available: 80, reserved: 0 });
  });

  it('shows a hold made in a caller’s transaction once that commits, and never one rolled back', async () => {
    const { id, user } = await syncedUser();
    await fund(user.id, 100);
    expect(await balance(b, id)).toEqual({ balance: 100, available: 100, reserved: 0 });

    await a.get(DataSource).transaction(async (em) => {
      await ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 40 }, em);
      // Not committed yet: a read now (which may put its answer in the caches) sees the old balance.
      expect(await balance(b, id)).toEqual({ balance: 100, available: 100, reserved: 0 });
    });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 100, available: 60, reserved: 40 });

    // In a savepoint (as submit parks a generation): its release is not the commit.
    await a.get(DataSource).transaction(async (em) => {
      await em.transaction((savepoint) => ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 20 }, savepoint));
      expect(await balance(b, id)).toEqual({ balance: 100, available: 60, reserved: 40 });
    });
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 100, available: 40, reserved: 60 });

    await a
      .get(DataSource)
      .transaction(async (em) => {
        await ledger().reserve({ idempotencyKey: LedgerService.oneOffKey('test-hold'), userId: user.id, amount: 10 }, em);
        throw new Error('the caller gives up');
      })
      .catch(() => undefined);
    await delivered();
    expect(await balance(b, id)).toEqual({ balance: 100, available: 40, reserved: 60 });
  });
});
