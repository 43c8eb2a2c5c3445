import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CacheBus } from '@genbot/core';
import { CatalogService } from '@genbot/generations';
import { LedgerService } from '@genbot/ledger';
import { StarsPaymentsService } from '@genbot/payments';
import { FakeTelegramApi, createTestUser, fundedUser, testConfig, uniqueTelegramId } from '@genbot/testing';
import { User, UsersService } from '@genbot/users';
import { bootstrapAdminApi } from '../src/bootstrap';
import { signInTeam } from './admin-team';

/**
 * Issue 11 / seed 002: dashboards, a user's generations and payments, generation refunds, the
 * generations list and queue, models and prices, payments and their refunds, settings. Support
 * reads, admin changes, every change has one audit row and no read has any.
 */
describe('admin-api: dashboards, generations, models, payments, settings', () => {
  const owner = uniqueTelegramId();
  const support = uniqueTelegramId();
  const admin = uniqueTelegramId();
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let replica: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const tokens: Record<'owner' | 'support' | 'admin', string> = { owner: '', support: '', admin: '' };

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: `${5_560_000_000 + (process.pid % 1000)}:AAH-admin-operations-test-token_00000` });
    const config = () =>
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'o'.repeat(40) });
    app = await bootstrapAdminApi(config(), { port: 0 });
    // A second process of the same deployment: a catalog change must reach it at once.
    replica = await bootstrapAdminApi(config(), { port: 0 });
    http = request(app.getHttpServer());
    Object.assign(tokens, await signInTeam(http, telegram.token, { owner, support, admin }));
  });
  afterAll(async () => {
    await replica?.close();
    await app?.close();
    await telegram?.close();
  });

  type Role = keyof typeof tokens;
  const as = (role: Role) => ({
    get: (path: string) => http.get(path).set('Authorization', `Bearer ${tokens[role]}`),
    post: (path: string, body: object = {}) => http.post(path).set('Authorization', `Bearer ${tokens[role]}`).send(body),
    patch: (path: string, body: unknown) =>
      http
        .patch(path)
        .set('Authorization', `Bearer ${tokens[role]}`)
        .send(body as object),
    put: (path: string, body: object) => http.put(path).set('Authorization', `Bearer ${tokens[role]}`).send(body),
  });
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => app.get(DataSource).query(query, params) as Promise<T[]>;
  const audit = (targetType: string, targetId: string) =>
    sql<{ action: string; actor_telegram_id: string; actor_role: string; before: unknown; after: unknown }>(
      `SELECT action, actor_telegram_id, actor_role, before, after FROM admin_audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id`,
      [targetType, targetId],
    );

  /** A generation that charged `price` credits: its hold reserved and captured, as the worker does. */
  const chargedGeneration = async (user: User, price: number, options: { trial?: boolean; status?: string } = {}) => {
    const ledger = app.get(LedgerService);
    let holdId: string | null = null;
    if (!options.trial) {
      const { hold } = await ledger.reserve({ idempotencyKey: `test-hold:${randomUUID()}`, userId: user.id, amount: price });
      await ledger.capture({ holdId: hold.id });
      holdId = hold.id;
    }
    const [{ id }] = await sql<{ id: string }>(
      `INSERT INTO generations (user_id, model_id, mode, status, price_credits, is_trial, hold_id, source, finished_at)
       SELECT $1, id, 't2i', $2, $3, $4, $5, 'bot', now() FROM models WHERE slug = 'nano-banana' RETURNING id`,
      [user.id, options.status ?? 'succeeded', options.trial ? 0 : price, options.trial ?? false, holdId],
    );
    return id;
  };

  it('stats and charts: support reads them, each cached in Redis for 60 s; days outside 1..365 is a 400', async () => {
    const user = await fundedUser(app, 500);
    await chargedGeneration(user, 38);
    await chargedGeneration(user, 38, { status: 'failed' });

    const stats = await as('support').get('/api/v1/admin/stats?days=7').expect(200);
    expect(stats.body).toMatchObject({ days: 7, users: { total: expect.any(Number), new: expect.any(Number), active: expect.any(Number) } });
    expect(stats.body.users.new).toBeGreaterThanOrEqual(1);
    expect(stats.body.generations.completed).toBeGreaterThanOrEqual(1);
    expect(stats.body.generations.failed).toBeGreaterThanOrEqual(1);
    expect(stats.body.generations.creditsCharged).toBeGreaterThanOrEqual(38);
    // Cached: a user registered now is not in the figures until the entry expires (at most 60 s).
    await createTestUser(app);
    expect((await as('support').get('/api/v1/admin/stats?days=7').expect(200)).body).toEqual(stats.body);
    const ttl = await app.get(CacheBus).redis.ttl('cache:admin-stats:e:stats:7');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);

    const users = await as('support').get('/api/v1/admin/charts/users-daily?days=3').expect(200);
    expect(users.body).toHaveLength(3);
    expect(users.body[2]).toEqual({ day: new Date().toISOString().slice(0, 10), count: expect.any(Number) });
    const generations = await as('support').get('/api/v1/admin/charts/generations-daily?days=2').expect(200);
    expect(generations.body).toHaveLength(2);
    expect(generations.body[1]).toMatchObject({ total: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number) });
    expect(generations.body[1].completed).toBeGreaterThanOrEqual(1);
    const models = await as('support').get('/api/v1/admin/charts/models-breakdown?days=1').expect(200);
    expect(models.body.find((row: { slug: string }) => row.slug === 'nano-banana')).toMatchObject({
      completed: expect.any(Number),
      credits: expect.any(Number),
    });
    expect((await as('support').get('/api/v1/admin/charts/revenue-daily').expect(200)).body).toEqual(expect.any(Array));

    for (const days of ['0', '366', '1.5', 'x'])
      expect((await as('support').get(`/api/v1/admin/stats?days=${days}`).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await http.get('/api/v1/admin/stats').expect(401);
  });

  it("a user's generations, paged (limit <= 200); refund gives the charge back once, audited; support may not; unknown is 404", async () => {
    const user = await fundedUser(app, 300);
    const id = await chargedGeneration(user, 38);
    const trial = await chargedGeneration(user, 0, { trial: true });
    const ledger = app.get(LedgerService);
    expect((await ledger.balance(user.id)).balance).toBe(262);

    const list = await as('support').get(`/api/v1/admin/users/${user.telegramId}/generations`).expect(200);
    expect(list.body).toMatchObject({ offset: 0, limit: 10, hasMore: false });
    expect(list.body.items.map((g: { id: string }) => g.id)).toEqual([trial, id]);
    expect(list.body.items[1]).toMatchObject({
      model: 'nano-banana',
      priceCredits: 38,
      status: 'succeeded',
      refundedCredits: 0,
      userTelegramId: user.telegramId,
    });
    const first = await as('support').get(`/api/v1/admin/users/${user.telegramId}/generations?limit=1`).expect(200);
    expect(first.body).toMatchObject({ hasMore: true, items: [{ id: trial }] });
    expect((await as('support').get(`/api/v1/admin/users/${user.telegramId}/generations?limit=201`).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('support').get(`/api/v1/admin/users/${uniqueTelegramId()}/generations`).expect(404)).body.code).toBe('USER_NOT_FOUND');

    expect((await as('support').post(`/api/v1/admin/generations/${id}/refund`).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
    const refunded = await as('admin').post(`/api/v1/admin/generations/${id}/refund`, { reason: 'blank image' }).expect(200);
    expect(refunded.body).toMatchObject({ id, refundedCredits: 38 });
    expect((await ledger.balance(user.id)).balance).toBe(300);
    expect((await as('admin').post(`/api/v1/admin/generations/${id}/refund`).expect(409)).body.code).toBe('GENERATION_ALREADY_REFUNDED');
    expect((await as('admin').post(`/api/v1/admin/generations/${trial}/refund`).expect(409)).body.code).toBe('GENERATION_NOT_CHARGED');
    expect((await as('admin').post(`/api/v1/admin/generations/${randomUUID()}/refund`).expect(404)).body.code).toBe('GENERATION_NOT_FOUND');
    expect((await as('admin').post('/api/v1/admin/generations/abc/refund').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await ledger.balance(user.id)).balance).toBe(300);

    expect((await audit('generation', id)).map((row) => [row.action, row.actor_telegram_id, row.actor_role, row.after])).toEqual([
      ['generation.refund', String(admin), 'admin', expect.objectContaining({ refundedCredits: 38, reason: 'blank image' })],
    ]);
    expect(await audit('generation', trial)).toEqual([]);
  });

  it('all generations by status, paged with limit <= 200, and the queue counts from BullMQ', async () => {
    const user = await fundedUser(app, 100);
    const failed = await chargedGeneration(user, 20, { status: 'failed' });
    const res = await as('support').get('/api/v1/admin/generations?status=failed&limit=200').expect(200);
    expect(res.body.items.every((g: { status: string }) => g.status === 'failed')).toBe(true);
    expect(res.body.items.map((g: { id: string }) => g.id)).toContain(failed);
    expect((await as('support').get('/api/v1/admin/generations?limit=1').expect(200)).body.items).toHaveLength(1);
    expect((await as('support').get('/api/v1/admin/generations?status=lost').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('support').get('/api/v1/admin/generations?limit=201').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('support').get('/api/v1/admin/generations?limit=-1').expect(400)).body.code).toBe('VALIDATION_FAILED');

    await sql(`UPDATE generations SET status = 'queued', finished_at = NULL WHERE id = $1`, [failed]);
    const queue = await as('support').get('/api/v1/admin/generations/queue').expect(200);
    expect(queue.body.jobs).toMatchObject({ active: expect.any(Number), waiting: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number) });
    expect(queue.body.generations.queued).toBeGreaterThanOrEqual(1);
    await sql(`UPDATE generations SET status = 'failed', finished_at = now() WHERE id = $1`, [failed]);
  });

  it('models: support lists all with prices and counts; admin edits and reprices, audited, and another process sees it at once', async () => {
    const slug = 'denoise';
    const other = replica.get(CatalogService);
    expect((await other.get(slug)).isActive).toBe(true); // warms the replica's memory layer

    const list = await as('support').get('/api/v1/admin/models').expect(200);
    const row = list.body.find((model: { slug: string }) => model.slug === slug);
    expect(row).toMatchObject({ slug, isActive: true, prices: [{ credits: 20 }], generationCount: expect.any(Number) });
    expect((await as('support').patch(`/api/v1/admin/models/${slug}`, { isActive: false }).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');

    const off = await as('admin').patch(`/api/v1/admin/models/${slug}`, { isActive: false, name: 'Denoiser 2', sort: 5 }).expect(200);
    expect(off.body).toMatchObject({ slug, isActive: false, name: 'Denoiser 2', sort: 5 });
    await replica.get(CacheBus).sync();
    await expect(other.get(slug)).rejects.toMatchObject({ code: 'GENERATION_MODEL_NOT_FOUND' });
    const inactive = (await as('support').get('/api/v1/admin/models').expect(200)).body.find((model: { slug: string }) => model.slug === slug);
    expect(inactive.isActive).toBe(false);

    const priced = await as('admin')
      .put(`/api/v1/admin/models/${slug}/price`, { rules: [{ credits: 25 }, { match: { model: 'Extreme' }, credits: 40 }] })
      .expect(200);
    expect(priced.body.prices).toEqual([
      { mode: null, match: {}, credits: 25, usd: null },
      { mode: null, match: { model: 'Extreme' }, credits: 40, usd: null },
    ]);
    await replica.get(CacheBus).sync();
    expect((await other.all()).find((model) => model.slug === slug)?.prices.map((p) => p.credits)).toEqual([25, 40]);

    for (const body of [{ rules: [{ credits: -1 }] }, { rules: [{ credits: 1.5 }] }, { rules: [{ credits: 1, usd: 0.1 }] }, { rules: [{}] }, { rules: [] }, {}])
      expect((await as('admin').put(`/api/v1/admin/models/${slug}/price`, body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('admin').patch(`/api/v1/admin/models/${slug}`, { sort: -1 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('admin').patch(`/api/v1/admin/models/${slug}`, {}).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('admin').patch('/api/v1/admin/models/no-such-model', { isActive: true }).expect(404)).body.code).toBe('GENERATION_MODEL_NOT_FOUND');
    expect(
      (
        await as('admin')
          .put('/api/v1/admin/models/no-such-model/price', { rules: [{ credits: 1 }] })
          .expect(404)
      ).body.code,
    ).toBe('GENERATION_MODEL_NOT_FOUND');

    await as('admin').patch(`/api/v1/admin/models/${slug}`, { isActive: true, name: 'Denoiser', sort: row.sort }).expect(200);
    await as('admin')
      .put(`/api/v1/admin/models/${slug}/price`, { rules: [{ credits: 20 }] })
      .expect(200);
    const rows = await audit('model', slug);
    expect(rows.map((r) => [r.action, r.actor_telegram_id])).toEqual([
      ['model.update', String(admin)],
      ['model.price', String(admin)],
      ['model.update', String(admin)],
      ['model.price', String(admin)],
    ]);
    expect(rows[0].before).toMatchObject({ isActive: true, displayName: 'Denoiser' });
    expect(rows[0].after).toEqual({ isActive: false, displayName: 'Denoiser 2', sortOrder: 5 });
  });

  it('payments: support lists all, a user’s and daily; admin refunds Stars (spent credits need force), once; cards are 409; audited', async () => {
    const user = await createTestUser(app);
    const stars = app.get(StarsPaymentsService);
    const invoice = await stars.createInvoice(await app.get(UsersService).getById(user.id), 'credits-1000');
    await stars.settle({ currency: 'XTR', total_amount: invoice.stars, invoice_payload: invoice.payload, telegram_payment_charge_id: `charge-${user.id}` });
    const paymentId = invoice.payment.id;

    const mine = await as('support').get(`/api/v1/admin/users/${user.telegramId}/payments`).expect(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id: paymentId, provider: 'telegram', status: 'succeeded', currency: 'XTR', amountMinor: invoice.stars, credits: 1000 }),
    ]);
    const all = await as('support').get('/api/v1/admin/payments?status=succeeded&limit=200').expect(200);
    expect(all.body.items.map((p: { id: string }) => p.id)).toContain(paymentId);
    expect((await as('support').get('/api/v1/admin/payments?limit=201').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('support').get(`/api/v1/admin/users/${uniqueTelegramId()}/payments`).expect(404)).body.code).toBe('USER_NOT_FOUND');
    const daily = await as('support').get('/api/v1/admin/payments/daily?days=1').expect(200);
    expect(daily.body.find((row: { currency: string }) => row.currency === 'XTR')).toMatchObject({ day: new Date().toISOString().slice(0, 10) });

    // The user spent 600 of the 1000 credits: a refund would take credits they no longer have.
    await app.get(LedgerService).reserve({ idempotencyKey: `spend:${user.id}`, userId: user.id, amount: 600 });
    expect((await as('support').post(`/api/v1/admin/payments/${paymentId}/refund`).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
    expect((await as('admin').post(`/api/v1/admin/payments/${paymentId}/refund`).expect(409)).body.code).toBe('PAYMENT_CREDITS_SPENT');
    expect(await audit('payment', paymentId)).toEqual([]);
    const refunded = await as('admin').post(`/api/v1/admin/payments/${paymentId}/refund`, { force: true }).expect(200);
    expect(refunded.body).toMatchObject({ id: paymentId, refundStatus: 'succeeded', refundedMinor: invoice.stars });
    const call = await telegram.waitForCall('refundStarPayment');
    expect(call.params).toMatchObject({ telegram_payment_charge_id: `charge-${user.id}` });
    expect((await app.get(LedgerService).balance(user.id)).available).toBe(0);
    expect((await as('admin').post(`/api/v1/admin/payments/${paymentId}/refund`, { force: true }).expect(409)).body.code).toBe('PAYMENT_NOT_REFUNDABLE');
    expect((await audit('payment', paymentId)).map((row) => [row.action, row.actor_telegram_id, (row.after as { force: boolean }).force])).toEqual([
      ['payment.refund', String(admin), true],
    ]);

    const card = randomUUID();
    await sql(
      `INSERT INTO payments (id, provider, external_id, user_id, amount_minor, currency, credits, status, expires_at, succeeded_at)
       VALUES ($1, 'yookassa', $2, $3, 9900, 'RUB', 1000, 'succeeded', now() + interval '1 hour', now())`,
      [card, `yk-${card}`, user.id],
    );
    expect((await as('admin').post(`/api/v1/admin/payments/${card}/refund`).expect(409)).body.code).toBe('PAYMENT_REFUND_UNSUPPORTED');
    expect((await as('admin').post(`/api/v1/admin/payments/${randomUUID()}/refund`).expect(404)).body.code).toBe('PAYMENT_NOT_FOUND');
    expect((await as('admin').post(`/api/v1/admin/payments/${paymentId}/refund`, { force: 'yes' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it("settings: support reads every key; admin patches with each value checked against its default's type, audited; bad ones change nothing", async () => {
    const all = await as('support').get('/api/v1/admin/settings').expect(200);
    expect(all.body).toMatchObject({
      referral_percent: expect.any(Number),
      trial_model_slugs: expect.any(Array),
      bot_one_generation_at_a_time: expect.any(Boolean),
    });
    const before = all.body.referral_percent as number;
    expect((await as('support').patch('/api/v1/admin/settings', { referral_percent: 12 }).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');

    const bad = await as('admin').patch('/api/v1/admin/settings', { referral_percent: 12, no_such_key: 1, bot_one_generation_at_a_time: 'yes' }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.fields).toEqual([
      { field: 'no_such_key', problems: ['is not a setting'] },
      { field: 'bot_one_generation_at_a_time', problems: ['must be true or false'] },
    ]);
    for (const body of [{ referral_percent: 'ten' }, { referral_percent: 1.5 }, { referral_percent: -1 }, { trial_model_slugs: [1] }, {}, [1]])
      expect((await as('admin').patch('/api/v1/admin/settings', body).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await as('support').get('/api/v1/admin/settings').expect(200)).body.referral_percent).toBe(before);

    const changed = await as('admin')
      .patch('/api/v1/admin/settings', { referral_percent: before + 2, bot_default_photo_action: 'choose' })
      .expect(200);
    expect(changed.body).toMatchObject({ referral_percent: before + 2, bot_default_photo_action: 'choose' });
    await as('admin').patch('/api/v1/admin/settings', { referral_percent: before, bot_default_photo_action: all.body.bot_default_photo_action }).expect(200);
    const rows = (await audit('settings', 'system')).filter((row) => row.actor_telegram_id === String(admin));
    expect(rows.map((row) => [row.action, row.before, row.after])).toEqual([
      [
        'settings.update',
        { referral_percent: before, bot_default_photo_action: all.body.bot_default_photo_action },
        { referral_percent: before + 2, bot_default_photo_action: 'choose' },
      ],
      [
        'settings.update',
        { referral_percent: before + 2, bot_default_photo_action: 'choose' },
        { referral_percent: before, bot_default_photo_action: all.body.bot_default_photo_action },
      ],
    ]);
  });

  it('credit amounts must be positive integers; reads leave no audit rows', async () => {
    const user = await createTestUser(app);
    for (const amount of [-5, 0, 2.5, '10'])
      expect(
        (
          await as('admin')
            .post('/api/v1/admin/credits', { telegramId: user.telegramId, amount, reason: 'x', idempotencyKey: `k-${amount}` })
            .expect(400)
        ).body.code,
      ).toBe('VALIDATION_FAILED');
    expect(await audit('user', user.telegramId)).toEqual([]);
    // Support only read in this suite: not one row carries its id.
    expect(await sql(`SELECT id FROM admin_audit_log WHERE actor_telegram_id = $1`, [String(support)])).toEqual([]);
  });
});
