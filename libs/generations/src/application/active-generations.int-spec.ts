import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CacheBus } from '@genbot/core';
import { LedgerService } from '@genbot/ledger';
import { createIntegrationModule, createTestUser, eventually } from '@genbot/testing';
import { UsersModule } from '@genbot/users';
import type { Generation } from '../domain/generation';
import { GenerationsJobsModule, GenerationsModule } from '../generations.module';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { GenerationsService } from './generations.service';
import { WaitingPaymentsService } from './waiting-payments.service';

/**
 * The Mini App's "active generations" read is cached per user, in memory and Redis, so it must be
 * dropped everywhere by every change to one of the user's generations, whichever process makes it.
 * Two processes here: a reader (public-api) and a writer (the worker, running jobs as production does).
 */
describe('active generations: the cached list follows every change made in another process', () => {
  let reader: TestingModule;
  let writer: TestingModule;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-active-'));
    const env = { DATA_DIR: dataDir, FILE_URL_SECRET: 'a'.repeat(40) };
    reader = await createIntegrationModule([UsersModule, GenerationsModule], env);
    writer = await createIntegrationModule([UsersModule, GenerationsJobsModule], env);
  });
  afterAll(async () => {
    await Promise.all([reader.close(), writer.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the user sees, and what the database holds right now, as id/status/progress. */
  const seen = async (userId: string) => summary(await reader.get(GenerationsService).active(userId));
  const stored = async (userId: string) => summary(await reader.get(GenerationsRepository).listForUser(userId, 20, 'active'));
  const summary = (list: Generation[]) => list.map((g) => `${g.id}:${g.status}:${g.progress}`);

  /**
   * The reader shows what is stored, within a few seconds (jobs may still be moving it); far less
   * than the cache's minute, so a change that did not invalidate fails here.
   */
  async function expectCurrent(userId: string, expected?: (list: string[]) => boolean): Promise<string[]> {
    let last: string[] = [];
    await eventually(
      async () => {
        await reader.get(CacheBus).sync();
        const [shown, truth] = await Promise.all([seen(userId), stored(userId)]);
        last = shown;
        return shown.join() === truth.join() && (expected ? expected(shown) : true);
      },
      (same) => same,
      5_000,
      50,
    );
    return last;
  }

  /** A user with no credits whose trial on the model is spent: a submit waiting for payment parks. */
  async function brokeUser(): Promise<string> {
    const user = await createTestUser(writer);
    await writer
      .get(DataSource)
      .query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = 'local-text-to-image'`, [
        user.id,
        randomUUID(),
      ]);
    return user.id;
  }
  const park = (userId: string) =>
    writer.get(GenerationsService).submit({ userId, model: 'local-text-to-image', prompt: 'a lighthouse', source: 'miniapp', waitForPayment: true });

  it('shows a parked generation, then its cancellation', async () => {
    const userId = await brokeUser();
    expect(await seen(userId)).toEqual([]); // now cached as empty, in memory and Redis

    const parked = await park(userId);
    expect(await expectCurrent(userId)).toEqual([`${parked.id}:waiting_payment:0`]);

    await writer.get(GenerationsService).cancel(parked);
    expect(await expectCurrent(userId)).toEqual([]);
  });

  it('shows a parked generation queued by a payment, then gone once the worker finished it', async () => {
    const userId = await brokeUser();
    const parked = await park(userId);
    expect(await expectCurrent(userId)).toEqual([`${parked.id}:waiting_payment:0`]);

    await writer
      .get(LedgerService)
      .transfer({ idempotencyKey: `test:${randomUUID()}`, from: { system: 'purchases' }, to: { userId }, amount: 100, kind: 'purchase' });
    expect(await writer.get(WaitingPaymentsService).resume(userId)).toEqual([parked.id]);
    await expectCurrent(userId); // queued or running, as the worker has it

    expect(await expectCurrent(userId, (list) => list.length === 0)).toEqual([]);
    expect((await reader.get(GenerationsService).get(parked.id)).status).toBe('succeeded');
  });

  it('drops a generation failed by the sweep for a payment that never came', async () => {
    const userId = await brokeUser();
    const parked = await park(userId);
    expect(await expectCurrent(userId)).toEqual([`${parked.id}:waiting_payment:0`]);

    // Parked a week ago; the sweep fails what waited longer than six days (no other suite parks that long).
    await writer.get(DataSource).query(`UPDATE generations SET created_at = now() - interval '7 days' WHERE id = $1`, [parked.id]);
    expect(await writer.get(WaitingPaymentsService).failOverdue(new Date(Date.now() - 6 * 86_400_000))).toContain(parked.id);
    expect(await expectCurrent(userId)).toEqual([]);
  });
});
