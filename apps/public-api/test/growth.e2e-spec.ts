import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { SettingsService } from '@genbot/core';
import { TEST_API_KEY, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const BOT_TOKEN = '5551234567:AAH-public-api-growth-test_0000000000';

describe('public-api: growth (daily bonus, referrals, channel and review bonuses)', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig({ BOT_TOKEN, BOT_USERNAME: 'genbot_growth_bot' }), { port: 0 });
    http = request(app.getHttpServer());
    await app.get(SettingsService).set({ daily_bonus_schedule: [3, 6, 9], welcome_bonus_credits: 0 });
  });
  afterAll(() => app.close());

  const initDataFor = (id: number) => signInitData(BOT_TOKEN, { user: { id, first_name: 'Ann', language_code: 'ru' } });
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
    });

    it('refuses an unknown time zone with 400 and a caller without initData with 401', async () => {
      const user = await miniAppUser();
      const bad = await http.post('/api/v1/bonus/daily/claim').set('X-Telegram-Init-Data', user.initData).send({ timeZone: 'Nowhere/Atlantis' }).expect(400);
      expect(bad.body.code).toBe('GROWTH_INVALID_TIME_ZONE');
      await http.post('/api/v1/bonus/daily/claim').set('X-API-Key', TEST_API_KEY).send({}).expect(401);
      expect(await balanceOf(user.id)).toBe(0);
    });
  });
});
