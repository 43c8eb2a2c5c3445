import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LedgerService } from '@genbot/ledger';
import { FakeTelegramApi, createTestUser, fundedUser, signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapAdminApi } from '../src/bootstrap';

/** Issue 11 / seed 002: users search, details, ban / unban and credits, with roles and audit. */
describe('admin-api: users and credits', () => {
  const owner = uniqueTelegramId();
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let ownerToken: string;
  let supportToken: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: `${5_550_000_000 + (process.pid % 1000)}:AAH-admin-users-test-token_0000000` });
    app = await bootstrapAdminApi(
      testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'v'.repeat(40) }),
      { port: 0 },
    );
    http = request(app.getHttpServer());
    const login = async (id: number) =>
      (
        await http
          .post('/api/v1/admin/auth/login')
          .send(signLoginWidget(telegram.token, { id, first_name: 'Ops' }))
          .expect(200)
      ).body.accessToken as string;
    ownerToken = await login(owner);
    const support = uniqueTelegramId();
    await http
      .post('/api/v1/admin/admins')
      .set('Authorization', `Bearer ${ownerToken}`)
      .send({ telegramId: String(support), role: 'support' })
      .expect(201);
    supportToken = await login(support);
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const get = (path: string, token = ownerToken) => http.get(path).set('Authorization', `Bearer ${token}`);
  const post = (path: string, body: object, token = ownerToken) => http.post(path).set('Authorization', `Bearer ${token}`).send(body);
  const auditOf = async (telegramId: string) =>
    (await app
      .get(DataSource)
      .query(`SELECT action, actor_telegram_id, before, after FROM admin_audit_log WHERE target_type = 'user' AND target_id = $1 ORDER BY id`, [
        telegramId,
      ])) as { action: string; actor_telegram_id: string; before: unknown; after: unknown }[];

  it('finds users by Telegram id, referral code and username prefix, paged, limit at most 200', async () => {
    const users = app.get(UsersService);
    const handle = `zed${uniqueTelegramId()}`;
    const { user } = await users.register({ telegramId: String(uniqueTelegramId()), username: handle, firstName: 'Zed' });
    for (const query of [user.telegramId, user.referralCode, user.referralCode.toUpperCase(), handle.toUpperCase(), `@${handle.slice(0, -2)}`]) {
      const res = await get(`/api/v1/admin/users?query=${encodeURIComponent(query)}`, supportToken).expect(200);
      expect(res.body.items.map((item: { telegramId: string }) => item.telegramId)).toEqual([user.telegramId]);
    }
    expect((await get(`/api/v1/admin/users?query=${uniqueTelegramId()}`).expect(200)).body.items).toEqual([]);
    // A LIKE wildcard is a character, not a pattern.
    expect((await get(`/api/v1/admin/users?query=%25`).expect(200)).body.items).toEqual([]);
    for (let i = 0; i < 3; i++) await users.register({ telegramId: String(uniqueTelegramId()) });
    const page = await get('/api/v1/admin/users?limit=2&offset=0').expect(200);
    expect(page.body).toMatchObject({ offset: 0, limit: 2, hasMore: true });
    expect(page.body.items).toHaveLength(2);
    const next = await get('/api/v1/admin/users?limit=2&offset=2').expect(200);
    expect(next.body.items[0].telegramId).not.toBe(page.body.items[1].telegramId);
    expect((await get('/api/v1/admin/users?limit=201').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('shows a user with balance, reserved, referrals, source, last activity and block state; unknown is 404', async () => {
    const users = app.get(UsersService);
    const inviter = await fundedUser(app, 300);
    await app.get(LedgerService).reserve({ idempotencyKey: `hold:${inviter.id}`, userId: inviter.id, amount: 120 });
    await users.register({ telegramId: String(uniqueTelegramId()), refCode: inviter.referralCode, source: 'ads' });
    const { user: sourced } = await users.register({ telegramId: String(uniqueTelegramId()), source: 'tiktok' });
    await users.setBlocked({ id: sourced.id }, true);

    const res = await get(`/api/v1/admin/users/${inviter.telegramId}`, supportToken).expect(200);
    expect(res.body).toMatchObject({
      telegramId: inviter.telegramId,
      balance: 300,
      reserved: 120,
      available: 180,
      referrals: 1,
      isBanned: false,
      blocked: false,
    });
    expect(res.body.lastActivityAt).toEqual(expect.any(String));
    expect((await get(`/api/v1/admin/users/${sourced.telegramId}`).expect(200)).body).toMatchObject({ source: 'tiktok', blocked: true, referrals: 0 });
    expect((await get(`/api/v1/admin/users/${uniqueTelegramId()}`).expect(404)).body.code).toBe('USER_NOT_FOUND');
    expect((await get('/api/v1/admin/users/abc').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('support bans with a reason: the user is told in their language, the change audited; unban likewise; repeats change nothing', async () => {
    const user = await createTestUser(app, { language: 'ru' });
    const banned = await post(`/api/v1/admin/users/${user.telegramId}/ban`, { reason: 'спам' }, supportToken).expect(200);
    expect(banned.body).toMatchObject({ isBanned: true, banReason: 'спам' });
    expect((await app.get(UsersService).findByTelegramIdCached(user.telegramId))?.isBanned).toBe(true);
    const notice = await telegram.waitForCall('sendMessage', (call) => String(call.params.chat_id) === user.telegramId);
    expect(notice.params.text).toBe('⛔ Ваш доступ к этому боту ограничен.\nПричина: спам');

    await post(`/api/v1/admin/users/${user.telegramId}/ban`, { reason: 'again' }, supportToken).expect(200);
    await post(`/api/v1/admin/users/${user.telegramId}/unban`, {}, supportToken).expect(200);
    await telegram.waitForCall(
      'sendMessage',
      (call) => String(call.params.chat_id) === user.telegramId && call.params.text === '✅ Ваш доступ к этому боту восстановлен.',
    );
    expect(telegram.sentTo(user.telegramId)).toHaveLength(2);

    const audit = await auditOf(user.telegramId);
    expect(audit.map((row) => [row.action, row.before, row.after])).toEqual([
      ['user.ban', { isBanned: false, banReason: null }, { isBanned: true, banReason: 'спам' }],
      ['user.unban', { isBanned: true, banReason: 'спам' }, { isBanned: false, banReason: null }],
    ]);
    expect((await post(`/api/v1/admin/users/${uniqueTelegramId()}/ban`, {}, supportToken).expect(404)).body.code).toBe('USER_NOT_FOUND');
  });

  it('a ban still stands when the user has blocked the bot (the notice is best effort)', async () => {
    const user = await createTestUser(app, { language: 'uz' });
    telegram.blockChat(user.telegramId);
    await post(`/api/v1/admin/users/${user.telegramId}/ban`, {}).expect(200);
    expect((await app.get(UsersService).getByTelegramId(user.telegramId)).isBanned).toBe(true);
  });

  it('admins grant and deduct credits through the ledger, audited with the transfer; retries move nothing twice', async () => {
    const user = await fundedUser(app, 100);
    const grant = { telegramId: user.telegramId, amount: 250, reason: 'compensation', idempotencyKey: `grant-${user.id}` };
    const granted = await post('/api/v1/admin/credits', grant).expect(200);
    expect(granted.body).toMatchObject({ telegramId: user.telegramId, amount: 250, created: true, balance: 350, available: 350 });
    const replay = await post('/api/v1/admin/credits', grant).expect(200);
    expect(replay.body).toMatchObject({ transferId: granted.body.transferId, created: false, balance: 350 });
    const deducted = await post('/api/v1/admin/credits', { ...grant, amount: 50, direction: 'deduct', idempotencyKey: `deduct-${user.id}` }).expect(200);
    expect(deducted.body).toMatchObject({ amount: -50, balance: 300 });

    const transfer = await app.get(LedgerService).findTransfer(granted.body.transferId);
    expect(transfer).toMatchObject({
      kind: 'admin_adjustment',
      amount: 250,
      reference: `admin:${owner}`,
      meta: { adminTelegramId: String(owner), reason: 'compensation' },
    });
    const audit = await auditOf(user.telegramId);
    expect(audit.map((row) => [row.action, row.actor_telegram_id, row.before, row.after])).toEqual([
      ['credits.transfer', String(owner), { balance: 100 }, { balance: 350, amount: 250, reason: 'compensation', transferId: granted.body.transferId }],
      ['credits.transfer', String(owner), { balance: 350 }, { balance: 300, amount: -50, reason: 'compensation', transferId: deducted.body.transferId }],
    ]);
  });

  it('refuses bad credit requests with 4xx, moving nothing and auditing nothing', async () => {
    const user = await fundedUser(app, 10);
    const base = { telegramId: user.telegramId, reason: 'x', idempotencyKey: `bad-${user.id}` };
    for (const amount of [-5, 0, 1.5, '10', 1e300]) {
      const res = await post('/api/v1/admin/credits', { ...base, amount }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [expect.objectContaining({ field: 'amount' })] } });
    }
    await post('/api/v1/admin/credits', { ...base, amount: 5, reason: '' }).expect(400);
    await post('/api/v1/admin/credits', { ...base, amount: 5, direction: 'sideways' }).expect(400);
    expect((await post('/api/v1/admin/credits', { ...base, amount: 11, direction: 'deduct' }).expect(402)).body.code).toBe('LEDGER_INSUFFICIENT_CREDITS');
    expect((await post('/api/v1/admin/credits', { ...base, telegramId: String(uniqueTelegramId()), amount: 5 }).expect(404)).body.code).toBe('USER_NOT_FOUND');
    // Support may not move credits.
    expect((await post('/api/v1/admin/credits', { ...base, amount: 5 }, supportToken).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
    expect((await app.get(LedgerService).balance(user.id)).balance).toBe(10);
    expect(await auditOf(user.telegramId)).toEqual([]);
  });

  it("writes the audit row in the transfer's transaction: an audit that fails undoes the transfer and the ban", async () => {
    const user = await fundedUser(app, 40);
    const db = app.get(DataSource);
    // The database refuses audit rows about this one user, as a full disk or a bug would.
    const constraint = `audit_refuses_${user.telegramId}`;
    await db.query(`ALTER TABLE admin_audit_log ADD CONSTRAINT ${constraint} CHECK (target_id <> '${user.telegramId}') NOT VALID`);
    try {
      await post('/api/v1/admin/credits', { telegramId: user.telegramId, amount: 5, reason: 'x', idempotencyKey: `tx-${user.id}` }).expect(500);
      await post(`/api/v1/admin/users/${user.telegramId}/ban`, { reason: 'x' }).expect(500);
    } finally {
      await db.query(`ALTER TABLE admin_audit_log DROP CONSTRAINT ${constraint}`);
    }
    expect((await app.get(LedgerService).balance(user.id)).balance).toBe(40);
    expect((await app.get(UsersService).getByTelegramId(user.telegramId)).isBanned).toBe(false);
    expect(telegram.sentTo(user.telegramId)).toEqual([]);
  });

  it('searches usernames through an index, not by reading every user', async () => {
    const db = app.get(DataSource);
    await db.query('SET enable_seqscan = off');
    try {
      const plan: { 'QUERY PLAN': string }[] = await db.query(`EXPLAIN SELECT * FROM users WHERE lower(username) LIKE 'zed%' AND username IS NOT NULL`);
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('users_username_lower_idx');
    } finally {
      await db.query('RESET enable_seqscan');
    }
  });

  it('does not audit reads', async () => {
    const user = await fundedUser(app, 5);
    await get(`/api/v1/admin/users/${user.telegramId}`).expect(200);
    await get(`/api/v1/admin/users?query=${user.telegramId}`).expect(200);
    expect(await auditOf(user.telegramId)).toEqual([]);
  });
});
