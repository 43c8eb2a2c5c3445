import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LotteriesService, drawWinners, seedHashOf } from '@genbot/growth';
import { verifyLedger } from '@genbot/ledger';
import { TEST_API_KEY, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

describe('public-api: lotteries (X-API-Key)', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;
  let lotteries: LotteriesService;

  beforeAll(async () => {
    app = await bootstrapPublicApi(testConfig(), { port: 0 });
    http = request(app.getHttpServer());
    lotteries = app.get(LotteriesService);
  });
  afterAll(() => app.close());

  const get = (path: string) => http.get(`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY);
  const post = (path: string, body: object) => http.post(`/api/v1/${path}`).set('X-API-Key', TEST_API_KEY).send(body);
  const register = async (refCode?: string) => {
    const res = await post('users/register-or-login', { telegramId: String(uniqueTelegramId()), ...(refCode ? { refCode } : {}) }).expect(200);
    return { id: res.body.id as string, refCode: res.body.refCode as string };
  };

  it('shows the running lottery with its seed hash, the user’s entry by referrals, and takes social links checked for shape', async () => {
    const lottery = await lotteries.create({
      title: 'Winter',
      description: 'Invite friends',
      startDate: new Date(Date.now() - 1000),
      endDate: new Date(Date.now() + 3_600_000),
      prizes: [{ place: 1, credits: 300 }],
    });
    const current = (await get('lotteries/current').expect(200)).body;
    expect(current).toEqual({
      id: lottery.id,
      title: 'Winter',
      description: 'Invite friends',
      startDate: lottery.startDate.toISOString(),
      endDate: lottery.endDate.toISOString(),
      prizes: [{ place: 1, credits: 300 }],
      createdAt: expect.any(String),
      seedHash: lottery.seedHash,
    });

    const inviter = await register();
    expect((await get(`lotteries/entries/me?userId=${inviter.id}`).expect(404)).body.code).toBe('GROWTH_LOTTERY_ENTRY_NOT_FOUND');
    await register(inviter.refCode);
    await register(inviter.refCode);
    const entry = (await get(`lotteries/entries/me?userId=${inviter.id}`).expect(200)).body;
    expect(entry).toEqual({
      id: expect.any(String),
      lotteryId: lottery.id,
      userId: inviter.id,
      referralCount: 2,
      socialLinks: [],
      socialStatus: 'none',
      rewardGiven: false,
      createdAt: expect.any(String),
    });

    const bad = await post('lotteries/entries/submit-social', {
      userId: inviter.id,
      socialLinks: ['ftp://example.com/post', 'https://example.com/p/1'],
    }).expect(400);
    expect(bad.body).toMatchObject({ code: 'GROWTH_INVALID_SOCIAL_LINKS', details: { fields: [{ field: 'socialLinks', value: 'ftp://example.com/post' }] } });
    expect((await post('lotteries/entries/submit-social', { userId: inviter.id, socialLinks: [] }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    const submitted = (await post('lotteries/entries/submit-social', { userId: inviter.id, socialLinks: ['https://example.com/p/1'] }).expect(200)).body;
    expect(submitted).toMatchObject({ id: entry.id, socialLinks: ['https://example.com/p/1'], socialStatus: 'pending', referralCount: 2 });
    await http.get('/api/v1/lotteries/current').expect(401);
  });

  it('publishes a drawn lottery with its revealed seed, tickets and winners, so the draw can be re-run', async () => {
    const inviter = await register();
    const lottery = await lotteries.create({
      title: 'Autumn',
      startDate: new Date(Date.now() - 1000),
      endDate: new Date(Date.now() + 3_600_000),
      prizes: [{ place: 1, credits: 50 }],
    });
    await register(inviter.refCode);
    expect((await get(`lotteries/${lottery.id}`).expect(200)).body).not.toHaveProperty('seed');
    expect(await lotteries.draw(lottery.id)).toBe(false);
    // The end comes now (the row moved, no waiting); the worker's tick draws, here called directly, twice at once.
    await app.get(DataSource).query(`UPDATE lotteries SET end_date = now() WHERE id = $1`, [lottery.id]);
    // At most one of them draws (a worker suite running alongside may tick first).
    expect((await Promise.all([lotteries.draw(lottery.id), lotteries.draw(lottery.id)])).filter(Boolean).length).toBeLessThanOrEqual(1);

    const drawn = (await get(`lotteries/${lottery.id}`).expect(200)).body;
    expect(seedHashOf(drawn.seed)).toBe(lottery.seedHash);
    expect(drawn.draw.tickets).toContainEqual({ userId: inviter.id, referrals: 1, socialApproved: false, weight: 1 });
    expect(drawn.draw.winners).toEqual(drawWinners(drawn.seed, drawn.draw.tickets, drawn.prizes));
    const history = (await get('lotteries/history').expect(200)).body;
    expect(history.find((l: { id: string }) => l.id === lottery.id)).toEqual(drawn);
    expect(await verifyLedger(app.get(DataSource))).toBeUndefined();
  });
});
