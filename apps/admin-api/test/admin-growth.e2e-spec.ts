import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { GrowthClock, LotteriesService, OnboardingService } from '@genbot/growth';
import { FakeTelegramApi, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';
import { signInTeam } from './admin-team';

/** Issue 13: lotteries (create, list, entries, social review) and ad-source figures for operators; support reads, admin changes, changes audited. */
describe('admin-api: lotteries and ad sources', () => {
  const owner = uniqueTelegramId();
  const support = uniqueTelegramId();
  const admin = uniqueTelegramId();
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  const tokens: Record<'owner' | 'support' | 'admin', string> = { owner: '', support: '', admin: '' };
  // This suite's lotteries run centuries ahead, at a moment of their own (growth's clock moved
  // there), so no other suite's "current lottery" is ever one of them.
  const now = new Date(Date.UTC(2400 + (process.pid % 500), 0, 1) + (uniqueTelegramId() % 1_000_000) * 60_000);
  let clock = now;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: `${5_570_000_000 + (process.pid % 1000)}:AAH-admin-growth-test-token_000000000` });
    app = await bootstrapAdminApi(
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'g'.repeat(40) }),
      { port: 0 },
    );
    jest.spyOn(app.get(GrowthClock), 'now').mockImplementation(() => new Date(clock));
    http = request(app.getHttpServer());
    Object.assign(tokens, await signInTeam(http, telegram.token, { owner, support, admin }));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
    await telegram?.close();
  });

  type Role = keyof typeof tokens;
  const as = (role: Role) => ({
    get: (path: string) => http.get(path).set('Authorization', `Bearer ${tokens[role]}`),
    post: (path: string, body: object = {}) => http.post(path).set('Authorization', `Bearer ${tokens[role]}`).send(body),
  });
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => app.get(DataSource).query(query, params) as Promise<T[]>;
  const audit = (targetType: string, targetId: string) =>
    sql<{ action: string; actor_telegram_id: string; actor_role: string; before: unknown; after: unknown }>(
      `SELECT action, actor_telegram_id, actor_role, before, after FROM admin_audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY id`,
      [targetType, targetId],
    );
  const register = async (extra: { refCode?: string; source?: string } = {}) =>
    (await app.get(OnboardingService).register({ telegramId: String(uniqueTelegramId()), ...extra })).user;
  const hours = (n: number) => new Date(now.getTime() + n * 3_600_000).toISOString();

  describe('lotteries', () => {
    it('an admin creates one (audited, its seed hash published, the seed kept); support and strangers may not; bad ones are 400 and create nothing', async () => {
      const body = {
        title: `Spring ${randomUUID().slice(0, 8)}`,
        description: 'Invite friends',
        startDate: hours(-1),
        endDate: hours(24),
        prizes: [
          { place: 1, credits: 500 },
          { place: 2, credits: 100 },
        ],
        rules: { minReferrals: 1 },
      };
      const created = await as('admin').post('/api/v1/admin/lotteries', body).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        title: body.title,
        description: 'Invite friends',
        startDate: body.startDate,
        endDate: body.endDate,
        prizes: body.prizes,
        rules: { minReferrals: 1, socialTickets: 1 },
        status: 'upcoming',
        seedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        seed: null,
        drawnAt: null,
        draw: null,
        createdAt: expect.any(String),
      });
      expect(await audit('lottery', created.body.id)).toEqual([
        {
          action: 'lottery.create',
          actor_telegram_id: String(admin),
          actor_role: 'admin',
          before: null,
          after: expect.objectContaining({ title: body.title, prizes: body.prizes, seedHash: created.body.seedHash }),
        },
      ]);
      const listed = (await as('support').get('/api/v1/admin/lotteries').expect(200)).body;
      expect(listed.find((l: { id: string }) => l.id === created.body.id)).toEqual(created.body);

      expect((await as('support').post('/api/v1/admin/lotteries', body).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
      await http.post('/api/v1/admin/lotteries').send(body).expect(401);
      const backwards = await as('admin')
        .post('/api/v1/admin/lotteries', { ...body, title: 'backwards', endDate: hours(-2) })
        .expect(400);
      expect(backwards.body.code).toBe('GROWTH_INVALID_LOTTERY');
      const twice = await as('admin')
        .post('/api/v1/admin/lotteries', { ...body, title: 'twice', prizes: [body.prizes[0], body.prizes[0]] })
        .expect(400);
      expect(twice.body.code).toBe('GROWTH_INVALID_LOTTERY');
      const malformed = await as('admin')
        .post('/api/v1/admin/lotteries', { ...body, prizes: [{ place: 0, credits: 'x' }], startDate: 'soon' })
        .expect(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      const titles = (await as('support').get('/api/v1/admin/lotteries').expect(200)).body.map((l: { title: string }) => l.title);
      expect(titles).not.toEqual(expect.arrayContaining(['backwards']));
      expect(titles).not.toEqual(expect.arrayContaining(['twice']));
    });

    it('lists the entries with users and referrals, and an admin approves or rejects social links (audited once per change)', async () => {
      const lottery = await app.get(LotteriesService).create({
        title: 'Summer',
        startDate: new Date(now.getTime() - 60_000),
        endDate: new Date(now.getTime() + 3_600_000),
        prizes: [{ place: 1, credits: 300 }],
      });
      const inviter = await register();
      const invitee = await register({ refCode: inviter.referralCode });
      // Registered during the lottery, as a registration then would have it.
      await sql(`UPDATE users SET created_at = $2 WHERE id = $1`, [invitee.id, new Date(now.getTime() - 30_000)]);
      const poster = await register();
      const posted = await app.get(LotteriesService).submitSocial(poster.id, ['https://instagram.com/p/Cx123']);

      const entries = (await as('support').get(`/api/v1/admin/lotteries/${lottery.id}/entries`).expect(200)).body;
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: inviter.id, telegramId: inviter.telegramId, referralCount: 1, socialStatus: 'none', prizeCredits: null }),
          expect.objectContaining({
            id: posted.id,
            userId: poster.id,
            telegramId: poster.telegramId,
            referralCount: 0,
            socialLinks: ['https://instagram.com/p/Cx123'],
            socialStatus: 'pending',
          }),
        ]),
      );
      expect(entries).toHaveLength(2);

      const review = (approved: unknown, role: Role = 'admin') => as(role).post(`/api/v1/admin/lotteries/entries/${posted.id}/review`, { approved });
      expect((await review(true, 'support').expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
      expect((await review('yes').expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await review(true).expect(200)).body).toMatchObject({ id: posted.id, socialStatus: 'approved' });
      await review(true).expect(200);
      expect((await review(false).expect(200)).body).toMatchObject({ socialStatus: 'rejected' });
      expect((await audit('lottery_entry', posted.id)).map((row) => [row.action, row.before, (row.after as { socialStatus: string }).socialStatus])).toEqual([
        ['lottery.entry_review', { socialStatus: 'pending' }, 'approved'],
        ['lottery.entry_review', { socialStatus: 'approved' }, 'rejected'],
      ]);

      const inviterEntry = entries.find((e: { userId: string }) => e.userId === inviter.id);
      expect((await as('admin').post(`/api/v1/admin/lotteries/entries/${inviterEntry.id}/review`, { approved: true }).expect(404)).body.code).toBe(
        'GROWTH_LOTTERY_ENTRY_NOT_FOUND',
      );
      expect((await as('support').get(`/api/v1/admin/lotteries/${randomUUID()}/entries`).expect(404)).body.code).toBe('GROWTH_LOTTERY_NOT_FOUND');
      expect((await as('support').get('/api/v1/admin/lotteries/nope/entries').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /api/v1/admin/sources', () => {
    it('counts a source’s registrations, users who generated, payers and revenue by registration day', async () => {
      clock = new Date();
      const source = `e2e_${uniqueTelegramId()}`;
      const [a, b] = [await register({ source }), await register({ source }), await register({ source })];
      const [model] = await sql<{ id: string }>(`SELECT id FROM models WHERE slug = 'local-text-to-image'`);
      for (const user of [a, b])
        await sql(`INSERT INTO generations (user_id, model_id, mode, status, price_credits, source) VALUES ($1, $2, 't2i', 'succeeded', 0, 'bot')`, [
          user.id,
          model.id,
        ]);
      for (const [amount, currency] of [
        [9900, 'RUB'],
        [70, 'XTR'],
      ] as const)
        await sql(
          `INSERT INTO payments (id, provider, user_id, amount_minor, currency, credits, status, expires_at, succeeded_at)
           VALUES ($1, 'yookassa', $2, $3, $4, 100, 'succeeded', now() + interval '1 hour', now())`,
          [randomUUID(), a.id, amount, currency],
        );

      const report = (await as('support').get(`/api/v1/admin/sources?source=${source}`).expect(200)).body;
      expect(report).toEqual({ from: expect.any(String), to: expect.any(String), timeZone: expect.any(String), rows: [expect.any(Object)] });
      expect(report.rows[0]).toEqual({ source, day: report.to, registrations: 3, generated: 2, payers: 1, revenue: { RUB: 9900, XTR: 70 } });
      const all = (await as('support').get(`/api/v1/admin/sources?from=${report.to}&to=${report.to}`).expect(200)).body;
      expect(all.rows).toEqual(expect.arrayContaining([report.rows[0]]));

      for (const query of ['from=2026-13-01', 'from=2026-02-01&to=2026-01-01', 'from=2020-01-01&to=2026-01-01'])
        expect((await as('support').get(`/api/v1/admin/sources?${query}`).expect(400)).body.code).toMatch(/^(VALIDATION_FAILED|GROWTH_INVALID_RANGE)$/);
      expect((await as('support').get('/api/v1/admin/sources?source=bad tag').expect(400)).body.code).toBe('VALIDATION_FAILED');
      await http.get('/api/v1/admin/sources').expect(401);
    });
  });
});
