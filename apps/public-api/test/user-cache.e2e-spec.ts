import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { CacheBus } from '@genbot/core';
import { signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-test-token_0000000000';

/**
 * The auth guard reads users through a cache (memory, then Redis). Two public-api instances on
 * one PostgreSQL and Redis, as two replicas behind a load balancer: a change made through one is
 * what the other answers with on its next call, though it had the user in memory.
 */
describe('public-api: the cached caller across instances', () => {
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
  const balance = (app: NestFastifyApplication, id: number) =>
    request(app.getHttpServer()).get(`/api/v1/users/${id}/balance`).set('X-Telegram-Init-Data', initDataFor(id));
  const sync = (app: NestFastifyApplication, id: number) =>
    request(app.getHttpServer()).post('/api/v1/users/sync').set('X-Telegram-Init-Data', initDataFor(id)).send({});
  /** Waits until instance b has handled every invalidation published so far (Redis pub/sub delivers them in order). */
  const delivered = () => b.get(CacheBus).sync();

  it('refuses a user banned through another instance on their next call, and lets them back when unbanned', async () => {
    const id = uniqueTelegramId();
    const { body: user } = await sync(a, id).expect(200);
    // b now holds the user in memory.
    expect((await balance(b, id).expect(200)).body).toEqual({ balance: 0, available: 0, reserved: 0 });
    expect((await balance(b, id).expect(200)).body).toEqual({ balance: 0, available: 0, reserved: 0 });

    await a.get(UsersService).setBanned(user.id, true, 'spam');
    await delivered();
    expect((await balance(b, id).expect(403)).body.code).toBe('USER_BANNED');
    expect((await balance(a, id).expect(403)).body.code).toBe('USER_BANNED');
    expect((await request(b.getHttpServer()).get('/api/v1/generations/active').set('X-Telegram-Init-Data', initDataFor(id)).expect(403)).body.code).toBe(
      'USER_BANNED',
    );

    await a.get(UsersService).setBanned(user.id, false);
    await delivered();
    await balance(b, id).expect(200);
  });

  it('refuses a banned user at once even where the invalidation message was lost (subscription down)', async () => {
    const id = uniqueTelegramId();
    const { body: user } = await sync(a, id).expect(200);
    await balance(b, id).expect(200);
    const outage = b.get(CacheBus).disconnect();
    await a.get(UsersService).setBanned(user.id, true);
    expect((await balance(b, id).expect(403)).body.code).toBe('USER_BANNED');
    await outage.resume();
    expect((await balance(b, id).expect(403)).body.code).toBe('USER_BANNED');
  });

  it('shows a language chosen through another instance', async () => {
    const id = uniqueTelegramId();
    const { body: user } = await sync(a, id).expect(200);
    expect((await b.get(UsersService).findByTelegramIdCached(String(id)))?.language).toBeNull();
    await a.get(UsersService).setLanguage(user.id, 'uz');
    await delivered();
    expect((await b.get(UsersService).findByTelegramIdCached(String(id)))?.language).toBe('uz');
  });

  it('answers 404 for a caller who has not synced yet, and 200 right after their first sync elsewhere', async () => {
    const id = uniqueTelegramId();
    expect((await balance(b, id).expect(404)).body.code).toBe('USER_NOT_FOUND');
    await sync(a, id).expect(200);
    await balance(b, id).expect(200);
  });
});
