import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BroadcastsService } from '@genbot/broadcasts';
import { SettingsService } from '@genbot/core';
import { FakeTelegramApi, eventually, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

/**
 * Seed 002's broadcasts through the real worker (its processors, Redis limiter and PostgreSQL)
 * against the fake Bot API, which counts what each chat received.
 */
describe('broadcasts (worker)', () => {
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let broadcasts: BroadcastsService;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    app = await bootstrapWorker(testConfig({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }), { port: 0 });
    broadcasts = app.get(BroadcastsService, { strict: false });
    db = app.get(DataSource);
  });
  afterEach(() => telegram.reset());
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
  });

  const setRate = (perSecond: number) => app.get(SettingsService).set({ broadcast_rate_per_second: perSecond });

  /** `count` users from one ad source of their own (so a `source` filter picks exactly them), in one statement. */
  async function users(count: number, source: string, extra: { language?: string; blocked?: boolean } = {}): Promise<{ id: string; chat: string }[]> {
    const first = uniqueTelegramId();
    for (let i = 1; i < count; i++) uniqueTelegramId();
    const rows: { id: string; telegram_id: string }[] = await db.query(
      `INSERT INTO users (telegram_id, referral_code, advertising_source, language, blocked_at)
       SELECT $1::bigint + g, 'b' || ($1::bigint + g)::text, $3, $4, CASE WHEN $5 THEN now() END FROM generate_series(0, $2 - 1) g
       RETURNING id, telegram_id`,
      [first, count, source, extra.language ?? null, extra.blocked ?? false],
    );
    for (const r of rows) ours.add(String(r.telegram_id));
    return rows.map((r) => ({ id: r.id, chat: String(r.telegram_id) }));
  }
  /**
   * The messages this suite's users got. The worker under test runs every job, so other messages
   * (the admins' daily report, to admins other suites left in the database) reach the fake too.
   */
  const ours = new Set<string>();
  const sends = () => telegram.calls('sendMessage').filter((c) => ours.has(String(c.params.chat_id)));

  const settled = (publicId: string, status = 'completed', timeoutMs = 30_000) =>
    eventually(
      () => broadcasts.get(publicId),
      (b) => b.status === status,
      timeoutMs,
      50,
    );

  it('sends a filtered 1 000-user broadcast once each: 403s blocked, "chat not found" failed, a mid-run 429 honoured', async () => {
    await setRate(400);
    const source = `bc-${randomUUID().slice(0, 8)}`;
    const audience = await users(1000, source);
    const alreadyBlocked = await users(5, source, { blocked: true });
    const others = await users(20, `other-${source}`);
    const blocking = audience.slice(100, 110);
    const lost = audience.slice(200, 203);
    for (const u of blocking) telegram.blockChat(u.chat);
    for (const u of lost) telegram.loseChat(u.chat);

    const created = await broadcasts.create({
      text: '<b>Sale</b> today',
      buttons: [[{ text: 'Open', url: 'https://t.me/genbot_test_bot' }]],
      filter: { kind: 'source', source },
    });
    expect(created).toMatchObject({ status: 'draft', total: 0 });
    await broadcasts.start(created.publicId);

    // Mid-run, Telegram answers one send with 429 retry_after 1: every sender must hold off for that second.
    await eventually(
      async () => sends().length,
      (n) => n >= 300,
      20_000,
      5,
    );
    telegram.failNext('sendMessage', { kind: 'retry_after', seconds: 1 });
    const final = await settled(created.publicId);

    expect(final).toMatchObject({ total: 1000, sent: 987, blocked: 10, failed: 3, pending: 0 });
    for (const u of audience) expect(telegram.deliveredTo(u.chat)).toBe(blocking.includes(u) || lost.includes(u) ? 0 : 1);
    for (const u of [...alreadyBlocked, ...others]) expect(telegram.deliveredTo(u.chat)).toBe(0);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM users WHERE id = ANY($1) AND blocked_at IS NOT NULL`, [blocking.map((u) => u.id)]);
    expect(count).toBe(10);

    const calls = sends();
    const limited = calls.find((c) => c.response.ok === false && c.response.error_code === 429);
    expect(limited).toBeDefined();
    // Every sender holds off together: the sends around the 429 stop for about its second. (Sends
    // keep arriving until the worker has read the 429 and set the shared pause, longer on a loaded
    // machine, so the silence is looked for after the 429 rather than timed from it.)
    const after = calls.map((c) => c.at.getTime()).filter((at) => at >= limited!.at.getTime() && at <= limited!.at.getTime() + 4_000);
    const gaps = after.slice(1).map((at, i) => ({ ms: at - after[i], sendsAfter: after.length - i - 1 }));
    const silence = gaps.reduce((longest, gap) => (gap.ms > longest.ms ? gap : longest));
    expect(silence.ms).toBeGreaterThanOrEqual(900);
    // …mid-run: most of the audience was still to come, so the silence is the pause, not the end.
    expect(silence.sendsAfter).toBeGreaterThan(100);
    expect(calls[0].params).toMatchObject({ parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'Open', url: 'https://t.me/genbot_test_bot' }]] } });
  });

  it('stops within a second of a cancel', async () => {
    await setRate(20);
    const source = `bc-${randomUUID().slice(0, 8)}`;
    await users(200, source);
    const { publicId } = await broadcasts.create({ text: 'cancel me', filter: { kind: 'source', source } });
    await broadcasts.start(publicId);
    await eventually(
      async () => sends().length,
      (n) => n >= 10,
      10_000,
      10,
    );
    const cancelled = await broadcasts.cancel(publicId);
    const at = Date.now();
    expect(cancelled.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const late = sends().filter((c) => c.at.getTime() > at + 1000);
    expect(late).toHaveLength(0);
    const view = await broadcasts.get(publicId);
    expect(view.sent).toBe(sends().length);
    expect(view.pending).toBeGreaterThan(100);
  });

  it('starts a scheduled broadcast on time', async () => {
    await setRate(100);
    const source = `bc-${randomUUID().slice(0, 8)}`;
    const audience = await users(3, source);
    const scheduledAt = new Date(Date.now() + 2000);
    const created = await broadcasts.create({ text: 'on time', filter: { kind: 'source', source }, scheduledAt });
    expect(created.status).toBe('scheduled');
    await settled(created.publicId, 'completed', 10_000);
    const times = sends().map((c) => c.at.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(scheduledAt.getTime() - 50);
    expect(Math.max(...times)).toBeLessThan(scheduledAt.getTime() + 1500);
    for (const u of audience) expect(telegram.deliveredTo(u.chat)).toBe(1);
  });

  it('test-sends to the admin alone, then reuses the uploaded media file_id for every recipient', async () => {
    await setRate(100);
    const source = `bc-${randomUUID().slice(0, 8)}`;
    const audience = await users(5, source);
    const admin = String(uniqueTelegramId());
    const url = 'https://example.com/sale.jpg';
    const created = await broadcasts.create({ text: 'Look', media: { type: 'photo', url }, filter: { kind: 'source', source } });

    const test = await broadcasts.testSend(created.publicId, admin);
    expect(test.sent).toBe(true);
    expect(telegram.deliveredTo(admin)).toBe(1);
    expect(telegram.calls('sendPhoto')).toHaveLength(1);
    expect(telegram.calls('sendPhoto')[0].params).toMatchObject({ photo: url, caption: 'Look', parse_mode: 'HTML' });
    for (const u of audience) expect(telegram.deliveredTo(u.chat)).toBe(0);
    const fileId = (await broadcasts.get(created.publicId)).media?.fileId;
    expect(fileId).toBeTruthy();

    await broadcasts.start(created.publicId);
    await settled(created.publicId);
    const sends = telegram.calls('sendPhoto').slice(1);
    expect(sends).toHaveLength(5);
    for (const call of sends) expect(call.params.photo).toBe(fileId);
  });

  it('uploads a URL once during a run when nobody test-sent it', async () => {
    await setRate(100);
    const source = `bc-${randomUUID().slice(0, 8)}`;
    await users(6, source);
    const url = 'https://example.com/promo.mp4';
    const created = await broadcasts.create({ text: 'Watch', media: { type: 'video', url }, filter: { kind: 'source', source } });
    await broadcasts.start(created.publicId);
    await settled(created.publicId);
    const sends = telegram.calls('sendVideo');
    expect(sends).toHaveLength(6);
    expect(sends.filter((c) => c.params.video === url)).toHaveLength(1);
  });

  it('refuses what Telegram would refuse, and a start of a finished broadcast', async () => {
    await expect(broadcasts.create({ text: '', filter: { kind: 'all' } })).rejects.toMatchObject({ code: 'BROADCAST_INVALID' });
    await expect(broadcasts.create({ text: 'x', filter: { kind: 'active', days: 0 } })).rejects.toMatchObject({ code: 'BROADCAST_INVALID' });
    await expect(broadcasts.create({ text: 'x', buttons: [[{ text: 'a', url: 'javascript:1' }]], filter: { kind: 'all' } })).rejects.toMatchObject({
      code: 'BROADCAST_INVALID',
    });
    await expect(broadcasts.get('bc_nope')).rejects.toMatchObject({ code: 'BROADCAST_NOT_FOUND' });
    const source = `bc-${randomUUID().slice(0, 8)}`;
    await users(1, source);
    const { publicId } = await broadcasts.create({ text: 'once', filter: { kind: 'source', source } });
    await broadcasts.start(publicId);
    await settled(publicId);
    await expect(broadcasts.start(publicId)).rejects.toMatchObject({ code: 'BROADCAST_WRONG_STATUS' });
  });
});
