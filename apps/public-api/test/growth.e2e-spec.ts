import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { SettingsService } from '@genbot/core';
import { ReviewsService } from '@genbot/growth';
import { verifyLedger } from '@genbot/ledger';
import { FakeTelegramApi, TEST_API_KEY, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { DataSource } from 'typeorm';
import { bootstrapPublicApi } from '../src/bootstrap';

describe('public-api: growth (daily bonus, referrals, channel and review bonuses)', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let telegram: FakeTelegramApi;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, BOT_USERNAME: 'genbot_growth_bot' }), {
      port: 0,
    });
    http = request(app.getHttpServer());
    await app.get(SettingsService).set({
      daily_bonus_schedule: [3, 6, 9],
      welcome_bonus_credits: 0,
      subscription_channels: ['@GenbotNews', '-1009990101'],
      subscription_bonus_credits: 10,
      review_bonus_credits: 20,
    });
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const initDataFor = (id: number) => signInitData(telegram.token, { user: { id, first_name: 'Ann', language_code: 'ru' } });
  const miniAppUser = async () => {
    const id = uniqueTelegramId();
    const profile = (await http.post('/api/v1/users/sync').set('X-Telegram-Init-Data', initDataFor(id)).send({}).expect(200)).body;
    return { id: profile.id as string, telegramId: id, initData: initDataFor(id) };
  };
  const balanceOf = async (userId: string) => (await http.get(`/api/v1/users/${userId}/balance`).set('X-API-Key', TEST_API_KEY).expect(200)).body.balanceTokens;

  describe('POST /api/v1/bonus/daily/claim (Mini App)', () => {
    it('grants one claim out of 20 parallel ones and answers the rest 409 with the streak and the next claim time', async () => {
      const user = await miniAppUser();
      const claims = await Promise.all(
        Array.from({ length: 20 }, () => http.post('/api/v1/bonus/daily/claim').set('X-Telegram-Init-Data', user.initData).send({ timeZone: 'Asia/Tashkent' })),
      );
      const granted = claims.filter((res) => res.status === 200);
      expect(granted).toHaveLength(1);
      expect(granted[0].body).toEqual({ granted: 3, streak: 1, nextClaimAt: expect.any(String) });
      expect(new Date(granted[0].body.nextClaimAt).getTime()).toBeGreaterThan(Date.now());
      const refused = claims.filter((res) => res.status === 409);
      expect(refused).toHaveLength(19);
      expect(refused[0].body).toEqual({
        code: 'GROWTH_DAILY_BONUS_ALREADY_CLAIMED',
        message: expect.any(String),
        details: { streak: 1, nextClaimAt: granted[0].body.nextClaimAt },
      });
      expect(await balanceOf(user.id)).toBe(3);
      const status = await http.get('/api/v1/bonus/daily').set('X-Telegram-Init-Data', user.initData).expect(200);
      expect(status.body).toEqual({ claimedToday: true, streak: 1, nextClaimAt: granted[0].body.nextClaimAt, nextCredits: 6 });
    });

    it('refuses an unknown time zone with 400 and a caller without initData with 401', async () => {
      const user = await miniAppUser();
      const bad = await http.post('/api/v1/bonus/daily/claim').set('X-Telegram-Init-Data', user.initData).send({ timeZone: 'Nowhere/Atlantis' }).expect(400);
      expect(bad.body.code).toBe('GROWTH_INVALID_TIME_ZONE');
      await http.post('/api/v1/bonus/daily/claim').set('X-API-Key', TEST_API_KEY).send({}).expect(401);
      expect(await balanceOf(user.id)).toBe(0);
    });
  });

  const service = () => ({
    get: (path: string) => http.get(`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY),
    post: (path: string, body: object) => http.post(`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY).send(body),
  });
  const register = async (refCode?: string) => {
    const res = await service()
      .post('users/register-or-login', { telegramId: String(uniqueTelegramId()), ...(refCode ? { refCode } : {}) })
      .expect(200);
    return { id: res.body.id as string, telegramId: res.body.telegramId as string, refCode: res.body.refCode as string };
  };

  describe('GET /api/v1/referrals/link|stats|history', () => {
    it('gives the ref_ link, counts invitees and lists them newest first', async () => {
      const inviter = await register();
      const first = await register(inviter.refCode);
      const second = await register(inviter.refCode);
      await register();
      expect((await service().get(`referrals/link?userId=${inviter.id}`).expect(200)).body).toEqual({
        refLink: `https://t.me/genbot_growth_bot?start=ref_${inviter.refCode}`,
      });
      expect((await service().get(`referrals/stats?userId=${inviter.id}`).expect(200)).body).toEqual({ totalInvited: 2, invitedPaidCount: 0, refEarned: 0 });
      const history = (await service().get(`referrals/history?userId=${inviter.id}`).expect(200)).body;
      expect(history).toEqual(
        [second, first].map((invitee) => ({
          id: invitee.id,
          inviterId: inviter.id,
          inviteeId: invitee.id,
          inviteePaid: false,
          rewardGiven: false,
          createdAt: expect.any(String),
        })),
      );
      expect((await service().get(`referrals/history?userId=${first.id}`).expect(200)).body).toEqual([]);
    });

    it('answers 400 for a missing or malformed userId, 404 for an unknown one, 401 without a key', async () => {
      expect((await service().get('referrals/stats').expect(400)).body.code).toBe('VALIDATION_FAILED');
      await service().get('referrals/link?userId=nope').expect(400);
      expect((await service().get('referrals/history?userId=00000000-0000-4000-8000-00000000abcd').expect(404)).body.code).toBe('USER_NOT_FOUND');
      await http.get(`/api/v1/referrals/stats?userId=00000000-0000-4000-8000-00000000abcd`).expect(401);
    });
  });

  describe('POST /api/v1/subscriptions/check-channel', () => {
    const check = (user: { id: string; telegramId: string }, channelUsername: string) =>
      service().post('subscriptions/check-channel', { userId: user.id, telegramId: user.telegramId, channelUsername });

    it('pays a member once per channel: leaving and re-joining grants nothing new, nor do parallel checks', async () => {
      const user = await register();
      telegram.setChatMember('@genbotnews', Number(user.telegramId), { status: 'left' });
      expect((await check(user, '@GenbotNews').expect(200)).body).toEqual({ isMember: false, bonusGranted: false, balanceTokens: 0 });

      telegram.setChatMember('@genbotnews', Number(user.telegramId), { status: 'member' });
      const parallel = await Promise.all(Array.from({ length: 5 }, () => check(user, 'https://t.me/genbotnews').expect(200)));
      expect(parallel.filter((res) => res.body.bonusGranted)).toHaveLength(1);
      expect(parallel.every((res) => res.body.isMember)).toBe(true);

      telegram.setChatMember('@genbotnews', Number(user.telegramId), { status: 'left' });
      expect((await check(user, '@genbotnews').expect(200)).body).toEqual({ isMember: false, bonusGranted: false, balanceTokens: 10 });
      telegram.setChatMember('@genbotnews', Number(user.telegramId), { status: 'restricted', is_member: true });
      expect((await check(user, 'genbotnews').expect(200)).body).toEqual({ isMember: true, bonusGranted: false, balanceTokens: 10 });

      // The other channel is a bonus of its own; a restricted user who left it counts as out.
      telegram.setChatMember('-1009990101', Number(user.telegramId), { status: 'restricted', is_member: false });
      expect((await check(user, '-1009990101').expect(200)).body).toEqual({ isMember: false, bonusGranted: false, balanceTokens: 10 });
      telegram.setChatMember('-1009990101', Number(user.telegramId), { status: 'administrator' });
      expect((await check(user, '-1009990101').expect(200)).body).toEqual({ isMember: true, bonusGranted: true, balanceTokens: 20 });
      expect(telegram.calls('getChatMember').at(-1)!.params).toMatchObject({ chat_id: '-1009990101', user_id: Number(user.telegramId) });
      expect(await verifyLedger(app.get(DataSource))).toBeUndefined();
    });

    it('refuses a channel without a bonus (422), another user’s Telegram id (422) and a bad body (400), granting nothing', async () => {
      const user = await register();
      expect((await check(user, '@someotherchannel').expect(422)).body.code).toBe('GROWTH_CHANNEL_NOT_OFFERED');
      const other = await register();
      const mismatch = await service()
        .post('subscriptions/check-channel', { userId: user.id, telegramId: other.telegramId, channelUsername: '@genbotnews' })
        .expect(422);
      expect(mismatch.body.code).toBe('GROWTH_TELEGRAM_ID_MISMATCH');
      expect((await service().post('subscriptions/check-channel', { userId: user.id, channelUsername: '@genbotnews' }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await service().get(`users/${user.id}/balance`).expect(200)).body.balanceTokens).toBe(0);
    });

    it('answers 503 when Telegram cannot answer for the channel (unknown chat, bot not in it), granting nothing', async () => {
      const user = await register();
      telegram.failNext('getChatMember', { kind: 'error', code: 400, description: 'Bad Request: chat not found' });
      expect((await check(user, '@genbotnews').expect(503)).body.code).toBe('GROWTH_CHANNEL_UNAVAILABLE');
      telegram.failNext('getChatMember', { kind: 'error', code: 403, description: 'Forbidden: bot is not a member of the channel chat' });
      expect((await check(user, '@genbotnews').expect(503)).body.code).toBe('GROWTH_CHANNEL_UNAVAILABLE');
      expect((await service().get(`users/${user.id}/balance`).expect(200)).body.balanceTokens).toBe(0);
    });
  });

  describe('POST /api/v1/reviews/check', () => {
    it('finds the review the bot recorded, pays once and turns hasLeftReview on', async () => {
      const user = await register();
      expect((await service().post('reviews/check', { userId: user.id }).expect(200)).body).toEqual({ found: false, bonusGranted: false, balanceTokens: 0 });
      expect((await service().get(`users/${user.id}`).expect(200)).body.hasLeftReview).toBe(false);

      await app.get(ReviewsService).record(user.id, -1009990201, 77);
      const wrongLink = await service().post('reviews/check', { userId: user.id, messageLink: 'https://t.me/genbot_reviews/78' }).expect(200);
      expect(wrongLink.body).toEqual({ found: false, bonusGranted: false, balanceTokens: 0 });
      const otherChat = await service().post('reviews/check', { userId: user.id, messageLink: 'https://t.me/c/9990299/77' }).expect(200);
      expect(otherChat.body).toEqual({ found: false, bonusGranted: false, balanceTokens: 0 });
      const first = await service().post('reviews/check', { userId: user.id, messageLink: 'https://t.me/c/9990201/77' }).expect(200);
      expect(first.body).toEqual({ found: true, bonusGranted: true, balanceTokens: 20 });
      expect((await service().post('reviews/check', { userId: user.id }).expect(200)).body).toEqual({ found: true, bonusGranted: false, balanceTokens: 20 });
      expect((await service().get(`users/${user.id}`).expect(200)).body.hasLeftReview).toBe(true);
    });
  });
});
