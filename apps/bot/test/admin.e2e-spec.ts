import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '@genbot/core';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { StarsPaymentsService } from '@genbot/payments';
import { UsersService } from '@genbot/users';
import { FakeTelegramApi, TEST_WEBHOOK_SECRET, callbackUpdate, messageUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { AdminRateLimit } from '../src/admin/admin-rate-limit';
import { bootstrapBot } from '../src/bootstrap';
import { uniqueBotToken, webhookDelivery } from './queued-updates';

describe('bot: admin commands in the chat (seed 000)', () => {
  const admin = { id: uniqueTelegramId(), language_code: 'en' };
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    app = await bootstrapBot(
      testConfig({
        BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        BOT_MODE: 'webhook',
        ADMIN_TELEGRAM_IDS: `1, ${admin.id}`,
      }),
      { port: 0 },
    );
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await telegram.close();
  });

  const deliver = webhookDelivery(() => app);
  const lastText = (chatId: number) => String(telegram.lastSentText(chatId));
  /** Ends the admin's 2 s window (and any block) the way the keys' expiry would, without waiting for it. */
  const windowPassed = async () => {
    await app.get<Redis>(REDIS).del(...app.get(AdminRateLimit).keys(String(admin.id)));
  };
  /** An admin command, as the first in its 2 s window. */
  const command = async (text: string) => {
    await windowPassed();
    const update = messageUpdate(admin, text);
    await deliver(update);
    return lastText(admin.id);
  };
  const register = async (sender: { id: number; username?: string; first_name?: string; language_code?: string }) => {
    await deliver(messageUpdate(sender, '/start'));
    return (await db.query('SELECT id, referral_code FROM users WHERE telegram_id = $1', [sender.id]))[0] as { id: string; referral_code: string };
  };
  const number = (report: string, label: string) => Number(new RegExp(`${label}: (\\d+)`).exec(report)![1]);

  it('answers a non-admin’s admin command with the usual unknown-command hint', async () => {
    const someone = { id: uniqueTelegramId(), language_code: 'en' };
    for (const text of ['/stats', '/user 1', '/credit 1 5 gift']) await deliver(messageUpdate(someone, text));
    const texts = telegram.sentTo(someone.id).map((call) => call.params.text);
    expect(texts).toEqual(Array(3).fill('🤔 I didn’t catch that. Pick an action from the menu or send /help.'));
  });

  it('/stats reports the day’s new and active users, credits spent, generations and payments', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const before = await command('/stats');
    expect(before).toContain(`📊 Statistics for ${day}`);

    const spender = await register({ id: uniqueTelegramId() });
    const ledger = app.get(LedgerService);
    await ledger.transfer({
      idempotencyKey: `test-buy:${spender.id}`,
      from: { system: 'purchases' },
      to: { userId: spender.id },
      amount: 50,
      kind: 'purchase',
    });
    await ledger.transfer({
      idempotencyKey: `test-charge:${spender.id}`,
      from: { userId: spender.id },
      to: { system: 'generation_spend' },
      amount: 7,
      kind: 'charge',
    });
    const { hold } = await ledger.reserve({ idempotencyKey: `test-hold:${spender.id}`, userId: spender.id, amount: 4 });
    await ledger.capture({ holdId: hold.id });
    // An open hold is not spent yet.
    await ledger.reserve({ idempotencyKey: `test-hold2:${spender.id}`, userId: spender.id, amount: 9 });
    const stars = app.get(StarsPaymentsService);
    const invoice = await stars.createInvoice(await app.get(UsersService).getById(spender.id), 'credits-1000');
    await stars.settle({ currency: 'XTR', total_amount: invoice.stars, invoice_payload: invoice.payload, telegram_payment_charge_id: `c-${spender.id}` });

    const after = await command(`/stats ${day}`);
    expect(number(after, 'New users') - number(before, 'New users')).toBe(1);
    expect(number(after, 'Active users')).toBeGreaterThanOrEqual(number(before, 'Active users') + 1);
    expect(number(after, 'Credits spent') - number(before, 'Credits spent')).toBe(11);
    expect(number(after, 'Paid generations') - number(before, 'Paid generations')).toBe(2);
    const starsPayments = (report: string) => Number(/(\d+) × XTR/.exec(report)?.[1] ?? 0);
    expect(starsPayments(after) - starsPayments(before)).toBe(1);
    expect(after).toMatch(/💳 Payments: .*\d+ × XTR: \d+ ⭐ \(\+\d+\)/);

    const past = await command('/stats 2001-02-03');
    expect(past).toBe('📊 Statistics for 2001-02-03\n👤 New users: 0\n🔥 Active users: 0\n💸 Credits spent: 0\n🎨 Paid generations: 0\n💳 Payments: none');
    expect(await command('/stats yesterday')).toBe('Usage: /stats [YYYY-MM-DD]');
  });

  it('/user by telegram id or @username shows the profile, balance, reserve, ban and referrals', async () => {
    const username = `u${uniqueTelegramId()}`;
    const subject = { id: uniqueTelegramId(), username, first_name: 'Zoe', language_code: 'ru' };
    const { id, referral_code } = await register(subject);
    await deliver(messageUpdate({ id: uniqueTelegramId() }, `/start ref_${referral_code}`));
    const ledger = app.get(LedgerService);
    await ledger.transfer({ idempotencyKey: `test-buy:${id}`, from: { system: 'purchases' }, to: { userId: id }, amount: 30, kind: 'purchase' });
    await ledger.reserve({ idempotencyKey: `test-hold:${id}`, userId: id, amount: 12 });
    await db.query(`UPDATE users SET is_banned = true, ban_reason = 'spam' WHERE id = $1`, [id]);

    const byId = await command(`/user ${subject.id}`);
    expect(byId).toContain(`👤 Zoe (@${username})\nTelegram id: ${subject.id}\nLanguage: ru`);
    expect(byId).toContain('💰 Balance: 30 · reserved: 12 · available: 18');
    expect(byId).toContain('⛔ Banned: yes (spam) · blocked the bot: no');
    expect(byId).toContain('🤝 Invited: 1 · paid: 0 · earned: 0');
    expect(await command(`/user @${username.toUpperCase()}`)).toBe(byId);
    expect(await command('/user @nobody_has_this_name')).toBe('No user @nobody_has_this_name.');
    expect(await command('/user')).toBe('Usage: /user <telegram id | @username>');
  });

  it('/credit moves credits once per command message, tells the user in their language, and refuses bad arguments', async () => {
    const subject = { id: uniqueTelegramId(), language_code: 'ru' };
    const { id } = await register(subject);
    await windowPassed();
    const update = messageUpdate(admin, `/credit ${subject.id} 5 compensation for a failed video`);
    await deliver(update);
    expect(lastText(admin.id)).toBe(`✅ Credited 5 credits to ${subject.id}. Their balance: 5 credits.`);
    expect(lastText(subject.id)).toBe('🎁 Вам начислено 5 кредитов.\n💰 Ваш баланс: 5 кредитов');

    // Telegram redelivers the same message under a new update id: nothing moves twice.
    await windowPassed();
    await deliver({ ...update, update_id: update.update_id + 500_000 });
    expect(lastText(admin.id)).toBe('ℹ️ This command was already carried out; nothing was credited again.');
    const transfers = await db.query(`SELECT amount, meta FROM ledger_transfers WHERE credit_account_id = $1 AND kind = 'admin_adjustment'`, [id]);
    expect(transfers).toEqual([
      { amount: '5', meta: expect.objectContaining({ reason: 'compensation for a failed video', adminTelegramId: String(admin.id) }) },
    ]);

    for (const bad of [`/credit ${subject.id} 5`, `/credit ${subject.id} -5 oops`, `/credit ${subject.id} 1.5 oops`, '/credit @x 5 oops', '/credit']) {
      expect(await command(bad)).toBe('Usage: /credit <telegram id> <amount> <reason>');
    }
    expect(await command('/credit 999999999999 5 gift')).toBe('No user 999999999999.');
    expect(await verifyLedger(db)).toBeUndefined();
  });

  it('takes one admin command per 2 s; one more blocks the admin for 10 s with a message', async () => {
    await windowPassed();
    await deliver(messageUpdate(admin, '/stats'));
    expect(lastText(admin.id)).toContain('📊 Statistics');
    await deliver(messageUpdate(admin, '/stats'));
    expect(lastText(admin.id)).toBe('⛔ Too many admin commands: at most one per 2 s. Blocked for 10 s.');
    // Still blocked after the 2 s window ends: only the block's expiry frees the admin.
    await app.get<Redis>(REDIS).del(app.get(AdminRateLimit).keys(String(admin.id))[0]);
    await deliver(messageUpdate(admin, '/user 1'));
    expect(lastText(admin.id)).toMatch(/^⛔ Too many admin commands: at most one per 2 s\. Blocked for (9|10) s\.$/);
    const sent = telegram.sentTo(admin.id).length;
    // The block is kept in Redis: a second bot replica would see it too.
    expect(await app.get<Redis>(REDIS).pttl(app.get(AdminRateLimit).keys(String(admin.id))[1])).toBeGreaterThan(8_000);
    expect(await command('/stats')).toContain('📊 Statistics');
    expect(telegram.sentTo(admin.id).length).toBe(sent + 1);
    // A button press is no command: the rate limit leaves it alone.
    await deliver(callbackUpdate(admin, 'menu:balance'));
    expect(lastText(admin.id)).toContain('Your balance');
  });
});
