import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapAdminApi } from '../src/bootstrap';

const BOT_TOKEN = '5559876543:AAH-admin-api-sessions-test_00000';

/** Issue 11: access + refresh tokens, rotation, reuse detection and logout. */
describe('admin-api: sessions', () => {
  const owner = uniqueTelegramId();
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 's'.repeat(40) }), { port: 0 });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const login = async () =>
    (
      await http
        .post('/api/v1/admin/auth/login')
        .send(signLoginWidget(BOT_TOKEN, { id: owner, first_name: 'Owner' }))
        .expect(200)
    ).body as { accessToken: string; refreshToken: string; expiresIn: number };
  const refresh = (refreshToken: string) => http.post('/api/v1/admin/auth/refresh').send({ refreshToken });
  const me = (accessToken: string) => http.get('/api/v1/admin/auth/me').set('Authorization', `Bearer ${accessToken}`);

  it('rotates: the new pair works, the old refresh token is dead', async () => {
    const first = await login();
    const second = (await refresh(first.refreshToken).expect(200)).body;
    expect(second).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, admin: { telegramId: String(owner), role: 'owner', firstName: 'Owner' } });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken).expect(200)).body.firstName).toBe('Owner');
    const third = (await refresh(second.refreshToken).expect(200)).body;
    await me(third.accessToken).expect(200);
  });

  it('a stolen refresh token used after the real client rotated revokes both', async () => {
    const session = await login();
    const stolen = session.refreshToken;
    const client = (await refresh(session.refreshToken).expect(200)).body;
    // The thief presents the copy: reuse, and the whole session ends.
    expect((await refresh(stolen).expect(401)).body.code).toBe('AUTH_REFRESH_REUSED');
    // The real client's current refresh token and access token die with it …
    expect((await refresh(client.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_REUSED');
    expect((await me(client.accessToken).expect(401)).body.code).toBe('AUTH_TOKEN_INVALID');
    // … and so does the thief's second try; another login is a fresh session.
    await refresh(stolen).expect(401);
    await me((await login()).accessToken).expect(200);
  });

  it('a thief who rotates first locks the real client out, and the client reusing its token ends the thief too', async () => {
    const session = await login();
    const thief = (await refresh(session.refreshToken).expect(200)).body;
    expect((await refresh(session.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_REUSED');
    await me(thief.accessToken).expect(401);
    await refresh(thief.refreshToken).expect(401);
  });

  it('logout ends the session: its refresh and access tokens stop working; other sessions live on', async () => {
    const ended = await login();
    const other = await login();
    await http.post('/api/v1/admin/auth/logout').send({ refreshToken: ended.refreshToken }).expect(204);
    await me(ended.accessToken).expect(401);
    // Stale, not stolen: a logged-out token is merely invalid.
    expect((await refresh(ended.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_INVALID');
    await me(other.accessToken).expect(200);
    // Idempotent, and silent about tokens it does not know.
    await http.post('/api/v1/admin/auth/logout').send({ refreshToken: ended.refreshToken }).expect(204);
    await http
      .post('/api/v1/admin/auth/logout')
      .send({ refreshToken: 'x'.repeat(43) })
      .expect(204);
  });

  it('stores refresh tokens hashed, chained by parent within one family', async () => {
    const session = await login();
    const next = (await refresh(session.refreshToken).expect(200)).body;
    const rows: { parent_id: string | null; family_id: string; token_hash: Buffer; revoked_reason: string | null }[] = await app
      .get(DataSource)
      .query(`SELECT parent_id, family_id, token_hash, revoked_reason FROM refresh_tokens WHERE subject_id = $1 ORDER BY created_at DESC LIMIT 2`, [
        String(owner),
      ]);
    const [child, parent] = rows;
    expect(child.family_id).toBe(parent.family_id);
    expect(child.parent_id).not.toBeNull();
    expect(parent.revoked_reason).toBe('rotated');
    for (const row of rows) expect(row.token_hash.toString('utf8')).not.toContain(next.refreshToken.slice(0, 10));
  });

  it('refuses malformed, unknown and expired refresh tokens with 400 / 401', async () => {
    expect((await refresh('').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await http.post('/api/v1/admin/auth/refresh').send({}).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await refresh('not-a-token').expect(401)).body.code).toBe('AUTH_REFRESH_INVALID');
    expect((await refresh('y'.repeat(43)).expect(401)).body.code).toBe('AUTH_REFRESH_INVALID');
    const session = await login();
    // Backdated rather than waited for: the 7 days have passed.
    await app
      .get(DataSource)
      .query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE subject_id = $1 AND revoked_at IS NULL`, [String(owner)]);
    expect((await refresh(session.refreshToken).expect(401)).body.code).toBe('AUTH_REFRESH_INVALID');
  });

  it('takes the access token lifetime from the admin_access_token_ttl_minutes setting, kept within 15-60 minutes', async () => {
    const db = app.get(DataSource);
    try {
      await db.query(
        `INSERT INTO system_settings (key, value) VALUES ('admin_access_token_ttl_minutes', '30') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      );
      await new Promise((resolve) => setImmediate(resolve));
      const lifetime = async () => {
        // SettingsService caches for 5 s; a fresh boot reads the row now.
        const fresh = await bootstrapAdminApi(testConfig({ BOT_TOKEN, ADMIN_TELEGRAM_IDS: String(owner), JWT_SECRET: 's'.repeat(40) }), { port: 0 });
        try {
          const body = (
            await request(fresh.getHttpServer())
              .post('/api/v1/admin/auth/login')
              .send(signLoginWidget(BOT_TOKEN, { id: owner, first_name: 'Owner' }))
              .expect(200)
          ).body;
          return body.expiresIn as number;
        } finally {
          await fresh.close();
        }
      };
      expect(await lifetime()).toBe(1800);
      await db.query(`UPDATE system_settings SET value = '600' WHERE key = 'admin_access_token_ttl_minutes'`);
      expect(await lifetime()).toBe(3600);
    } finally {
      await db.query(`DELETE FROM system_settings WHERE key = 'admin_access_token_ttl_minutes'`);
    }
  });
});
