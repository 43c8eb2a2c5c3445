import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-roles-test_000000000';

/** Issue 11: owner / admin / support, managed by owners, checked per request, every change audited. */
describe('admin-api: roles and the audit log', () => {
  const owner = uniqueTelegramId();
  let app: NestFastifyApplication;
  let replica: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const config = () => testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 'r'.repeat(40) });
    app = await bootstrapAdminApi(config(), { port: 0 });
    // A second process of the same deployment: role changes must reach it at once too.
    replica = await bootstrapAdminApi(config(), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await replica.close();
    await app.close();
  });

  const tokenOf = async (id: number) =>
    (
      await http
        .post('/api/v1/admin/auth/login')
        .send(signLoginWidget(BOT_TOKEN, { id, first_name: `Admin ${id}` }))
        .expect(200)
    ).body as { accessToken: string; refreshToken: string; admin: { role: string } };
  const as = (token: string) => ({
    get: (path: string, on = http) => on.get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) => http.post(path).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) => http.patch(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => http.delete(path).set('Authorization', `Bearer ${token}`),
  });
  const auditRows = async (target: number) =>
    (await app.get(DataSource).query(`SELECT * FROM admin_audit_log WHERE target_id = $1 ORDER BY id`, [String(target)])) as Record<string, unknown>[];

  it('an owner adds, re-roles and removes admins; each change is one audit row with before, after, request id and IP', async () => {
    const ownerApi = as((await tokenOf(owner)).accessToken);
    const helper = uniqueTelegramId();
    const added = await ownerApi.post('/api/v1/admin/admins', { telegramId: String(helper), role: 'support' }).expect(201);
    expect(added.body).toMatchObject({ telegramId: String(helper), role: 'support', source: 'api', addedBy: String(owner) });
    const relogged = await tokenOf(helper);
    expect(relogged.admin.role).toBe('support');

    const changed = await ownerApi.patch(`/api/v1/admin/admins/${helper}`, { role: 'admin' }).expect(200);
    expect(changed.body.role).toBe('admin');
    const removed = await ownerApi.delete(`/api/v1/admin/admins/${helper}`).expect(204);

    const rows = await auditRows(helper);
    expect(rows.map((row) => [row.action, row.before, row.after])).toEqual([
      ['admin.add', null, { role: 'support' }],
      ['admin.change_role', { role: 'support' }, { role: 'admin' }],
      ['admin.remove', { role: 'admin' }, null],
    ]);
    for (const row of rows) expect(row).toMatchObject({ actor_telegram_id: String(owner), actor_role: 'owner', target_type: 'admin', ip: '127.0.0.1' });
    expect(rows[0].request_id).toBe(added.headers['x-request-id']);
    expect(rows[2].request_id).toBe(removed.headers['x-request-id']);
    // The table itself refuses edits: the log is append-only.
    await expect(app.get(DataSource).query(`UPDATE admin_audit_log SET action = 'x' WHERE target_id = $1`, [String(helper)])).rejects.toThrow(/append-only/);
    await expect(app.get(DataSource).query(`DELETE FROM admin_audit_log WHERE target_id = $1`, [String(helper)])).rejects.toThrow(/append-only/);
  });

  it('wrong role is 403 with code, message and details; a role includes the ones below it', async () => {
    const ownerApi = as((await tokenOf(owner)).accessToken);
    const admin = uniqueTelegramId();
    const support = uniqueTelegramId();
    await ownerApi.post('/api/v1/admin/admins', { telegramId: String(admin), role: 'admin' }).expect(201);
    await ownerApi.post('/api/v1/admin/admins', { telegramId: String(support), role: 'support' }).expect(201);
    const adminApi = as((await tokenOf(admin)).accessToken);
    const supportApi = as((await tokenOf(support)).accessToken);

    const refused = await adminApi.get('/api/v1/admin/admins').expect(403);
    expect(refused.body).toEqual({ code: 'ADMIN_ROLE_FORBIDDEN', message: expect.stringContaining('owner'), details: { required: 'owner', role: 'admin' } });
    await adminApi.post('/api/v1/admin/admins', { telegramId: String(uniqueTelegramId()), role: 'owner' }).expect(403);
    await adminApi.get('/api/v1/admin/audit').expect(200);
    expect((await supportApi.get('/api/v1/admin/audit').expect(403)).body.details).toEqual({ required: 'admin', role: 'support' });
    await supportApi.get('/api/v1/admin/auth/me').expect(200);
    await ownerApi.get('/api/v1/admin/audit').expect(200);
  });

  it("a demoted admin's existing token loses the role at once, in every process; a removed admin's token and session stop working", async () => {
    const ownerApi = as((await tokenOf(owner)).accessToken);
    const target = uniqueTelegramId();
    await ownerApi.post('/api/v1/admin/admins', { telegramId: String(target), role: 'admin' }).expect(201);
    const session = await tokenOf(target);
    const targetApi = as(session.accessToken);
    const onReplica = request(replica.getHttpServer());
    await targetApi.get('/api/v1/admin/audit').expect(200);
    await targetApi.get('/api/v1/admin/audit', onReplica).expect(200);

    await ownerApi.patch(`/api/v1/admin/admins/${target}`, { role: 'support' }).expect(200);
    expect((await targetApi.get('/api/v1/admin/audit').expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
    expect((await targetApi.get('/api/v1/admin/audit', onReplica).expect(403)).body.code).toBe('ADMIN_ROLE_FORBIDDEN');
    expect((await targetApi.get('/api/v1/admin/auth/me').expect(200)).body.role).toBe('support');

    await ownerApi.delete(`/api/v1/admin/admins/${target}`).expect(204);
    // Removal ends the sessions: the access token is refused as such, before the role is even looked up.
    expect((await targetApi.get('/api/v1/admin/auth/me').expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    expect((await targetApi.get('/api/v1/admin/auth/me', onReplica).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    await http.post('/api/v1/admin/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await http
      .post('/api/v1/admin/auth/login')
      .send(signLoginWidget(BOT_TOKEN, { id: target, first_name: 'Gone' }))
      .expect(403);
  });

  it('refuses bad changes with 4xx and writes no audit row for them', async () => {
    const ownerApi = as((await tokenOf(owner)).accessToken);
    const someone = uniqueTelegramId();
    await ownerApi.post('/api/v1/admin/admins', { telegramId: String(someone), role: 'support' }).expect(201);
    expect((await ownerApi.post('/api/v1/admin/admins', { telegramId: String(someone), role: 'admin' }).expect(409)).body.code).toBe('ADMIN_EXISTS');
    expect((await ownerApi.post('/api/v1/admin/admins', { telegramId: String(someone), role: 'root' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await ownerApi.patch(`/api/v1/admin/admins/${owner}`, { role: 'support' }).expect(409)).body.code).toBe('ADMIN_CONFIGURED_OWNER');
    expect((await ownerApi.delete(`/api/v1/admin/admins/${owner}`).expect(409)).body.code).toBe('ADMIN_CONFIGURED_OWNER');
    const nobody = uniqueTelegramId();
    expect((await ownerApi.patch(`/api/v1/admin/admins/${nobody}`, { role: 'admin' }).expect(404)).body.code).toBe('ADMIN_NOT_FOUND');
    await ownerApi.delete(`/api/v1/admin/admins/${nobody}`).expect(404);
    expect((await auditRows(someone)).map((row) => row.action)).toEqual(['admin.add']);
    expect(await auditRows(owner)).toEqual([]);
    expect(await auditRows(nobody)).toEqual([]);
  });

  it('reads are not audited; the log pages by actor, target and action, newest first, limit at most 200', async () => {
    const login = await tokenOf(owner);
    const ownerApi = as(login.accessToken);
    const actorRows = async () =>
      Number((await app.get(DataSource).query(`SELECT count(*) FROM admin_audit_log WHERE actor_telegram_id = $1`, [String(owner)]))[0].count);
    const before = await actorRows();
    await ownerApi.get('/api/v1/admin/admins').expect(200);
    await ownerApi.get('/api/v1/admin/auth/me').expect(200);
    await ownerApi.get('/api/v1/admin/audit').expect(200);
    await http.post('/api/v1/admin/auth/refresh').send({ refreshToken: login.refreshToken }).expect(200);
    expect(await actorRows()).toBe(before);

    const subjects = [uniqueTelegramId(), uniqueTelegramId(), uniqueTelegramId()];
    for (const id of subjects) await ownerApi.post('/api/v1/admin/admins', { telegramId: String(id), role: 'support' }).expect(201);
    await ownerApi.patch(`/api/v1/admin/admins/${subjects[0]}`, { role: 'admin' }).expect(200);

    const byTarget = await ownerApi.get(`/api/v1/admin/audit?target=admin:${subjects[0]}`).expect(200);
    expect(byTarget.body.items.map((row: { action: string }) => row.action)).toEqual(['admin.change_role', 'admin.add']);
    const byAction = await ownerApi.get(`/api/v1/admin/audit?actor=${owner}&action=admin.add&limit=2`).expect(200);
    expect(byAction.body.items.map((row: { targetId: string }) => row.targetId)).toEqual([String(subjects[2]), String(subjects[1])]);
    const next = await ownerApi.get(`/api/v1/admin/audit?actor=${owner}&action=admin.add&limit=2&cursor=${byAction.body.nextCursor}`).expect(200);
    expect(next.body.items[0].targetId).toBe(String(subjects[0]));
    expect(next.body.items[0]).toMatchObject({ actorTelegramId: String(owner), actorRole: 'owner', targetType: 'admin', after: { role: 'support' } });

    expect((await ownerApi.get('/api/v1/admin/audit?limit=201').expect(400)).body.code).toBe('VALIDATION_FAILED');
    await ownerApi.get('/api/v1/admin/audit?limit=200').expect(200);
    await ownerApi.get('/api/v1/admin/audit?target=Robert%27);DROP').expect(400);
  });

  it('answers EXPLAIN for each audit filter with an index scan, not a scan of the whole table', async () => {
    const db = app.get(DataSource);
    const plans: string[] = [];
    for (const where of [`actor_telegram_id = 1`, `target_type = 'user' AND target_id = '1'`, `action = 'user.ban'`]) {
      await db.query('SET enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await db.query(`EXPLAIN SELECT * FROM admin_audit_log WHERE ${where} ORDER BY id DESC LIMIT 50`);
      await db.query('RESET enable_seqscan');
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    expect(plans[0]).toContain('admin_audit_log_actor');
    expect(plans[1]).toContain('admin_audit_log_target');
    expect(plans[2]).toContain('admin_audit_log_action');
  });
});
