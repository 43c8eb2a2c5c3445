import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { createIntegrationModule, uniqueTelegramId } from '@genbot/testing';
import { UsersModule, UsersService } from '@genbot/users';
import { GenerationsModule } from '../generations.module';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { GenerationsService, SubmitInput } from './generations.service';

/** Submit records the hold (or the trial) and the generation in one transaction: all of it or none. */
describe('submit: hold and generation in one transaction', () => {
  const PRICE = 5; // local-text-to-image
  let moduleRef: TestingModule;
  let generations: GenerationsService;
  let repository: GenerationsRepository;
  let ledger: LedgerService;
  let db: DataSource;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-submit-'));
    moduleRef = await createIntegrationModule([UsersModule, GenerationsModule], {
      DATA_DIR: dataDir,
      FILE_URL_SECRET: 's'.repeat(40),
      DATABASE_POOL_SIZE: '12',
    });
    generations = moduleRef.get(GenerationsService);
    repository = moduleRef.get(GenerationsRepository);
    ledger = moduleRef.get(LedgerService);
    db = moduleRef.get(DataSource);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    expect(await verifyLedger(db)).toBeUndefined();
  });
  afterAll(async () => {
    await moduleRef.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A user with `credits` whose trial is used up, so each submit holds the price. */
  async function payingUser(credits: number): Promise<string> {
    const { user } = await moduleRef.get(UsersService).register({ telegramId: String(uniqueTelegramId()) });
    await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: credits, kind: 'purchase' });
    await db.query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = 'local-text-to-image'`, [
      user.id,
      randomUUID(),
    ]);
    return user.id;
  }
  const request = (userId: string, extra: Partial<SubmitInput> = {}): SubmitInput => ({
    userId,
    model: 'local-text-to-image',
    prompt: 'a lighthouse',
    source: 'service',
    ...extra,
  });
  /** Every hold or charge taken from the user, whatever became of it. */
  const movements = async (userId: string) =>
    (await db.query(`SELECT phase, reference FROM ledger_transfers WHERE debit_account_id = $1 AND kind = 'generation'`, [userId])) as {
      phase: string;
      reference: string;
    }[];

  it('leaves no hold when the generation row fails after it (a duplicate key that lost the race)', async () => {
    const userId = await payingUser(100);
    const key = `test:${randomUUID()}`;
    const first = await generations.submit(request(userId, { idempotencyKey: key }));
    // The second submit misses the first in both of its look-ups, as a truly concurrent one would,
    // so it holds its price and then fails on the unique key when inserting its row.
    jest.spyOn(repository, 'findByKey').mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined);
    const second = await generations.submit(request(userId, { idempotencyKey: key }));

    expect(second.id).toBe(first.id);
    expect(await movements(userId)).toEqual([{ phase: 'pending', reference: first.id }]);
    expect((await ledger.balance(userId)).available).toBe(100 - PRICE);
  });

  it('keeps one generation and one hold for concurrent submits with one key', async () => {
    const userId = await payingUser(100);
    const key = `test:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => generations.submit(request(userId, { idempotencyKey: key }))));

    expect(new Set(results.map((g) => g.id)).size).toBe(1);
    expect(await db.query(`SELECT id FROM generations WHERE idempotency_key = $1`, [key])).toEqual([{ id: results[0].id }]);
    expect((await movements(userId)).filter((m) => m.phase === 'pending')).toEqual([{ phase: 'pending', reference: results[0].id }]);
  });

  it('parks a generation the user cannot pay for yet, holding nothing, when asked to wait for payment', async () => {
    const userId = await payingUser(PRICE - 1);
    const parked = await generations.submit(request(userId, { waitForPayment: true }));

    expect(parked).toMatchObject({ status: 'waiting_payment', holdId: null });
    expect(await movements(userId)).toEqual([]);
    expect(await ledger.balance(userId)).toEqual({ balance: PRICE - 1, reserved: 0, available: PRICE - 1 });
  });
});
