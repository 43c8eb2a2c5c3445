import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { verifyLedger } from '@genbot/ledger';
import { FakeTelegramApi, callbackUpdate, messageUpdate, preCheckoutUpdate, successfulPaymentUpdate, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapBot } from '../src/bootstrap';
import { botWebhookEnv, uniqueBotToken, webhookDelivery } from './queued-updates';

type Button = { text: string; callback_data?: string };
const buttonsOf = (call: { params: Record<string, unknown> }) => (call.params.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard.flat();

describe('bot: buying credits with Telegram Stars, /invite, /bonus', () => {
  let telegram: FakeTelegramApi;
  let app: NestFastifyApplication;
  let db: DataSource;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start({ token: uniqueBotToken() });
    app = await bootstrapBot(
      testConfig({
        ...botWebhookEnv(telegram),
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
  const sent = (chatId: number, method = 'sendMessage') => telegram.sentTo(chatId).filter((call) => call.method === method);
  const answers = (method: string) => telegram.calls(method);
  const userIdOf = async (telegramId: number): Promise<string> => (await db.query('SELECT id FROM users WHERE telegram_id = $1', [telegramId]))[0].id;
  /** A tariff of this test's own, so deactivating it leaves the seeded ones alone. */
  const createTariff = async (credits: number, stars: number): Promise<{ id: string; slug: string }> => {
    const slug = `test-${randomUUID().slice(0, 8)}`;
    const [row] = await db.query(`INSERT INTO tariffs (slug, title, credits, prices, sort) VALUES ($1, $2, $3, $4, 5) RETURNING id, slug`, [
      slug,
      JSON.stringify({ uz: `${slug} uz`, ru: `${slug} ru`, en: `${slug} en` }),
      credits,
      JSON.stringify({ XTR: stars }),
    ]);
    return row;
  };
  const deactivate = (id: string) => db.query(`UPDATE tariffs SET active = false WHERE id = $1`, [id]);

  it('/buy → invoice → pre-checkout → the same successful_payment three times: credited once, one receipt, ledger sound', async () => {
    const tariff = await createTariff(2, 3);
    const buyer = { id: uniqueTelegramId(), language_code: 'ru' };
    await deliver(messageUpdate(buyer, '/buy'));
    const [list] = sent(buyer.id);
    expect(list.params.text).toBe('💳 Выберите пакет кредитов (оплата Telegram Stars ⭐):');
    const buttons = buttonsOf(list);
    expect(buttons).toContainEqual(expect.objectContaining({ text: `${tariff.slug} ru · 2 кредита · 3 ⭐`, callback_data: `buy:${tariff.id}` }));
    // The seeded packages, with their Stars prices and plural forms.
    expect(buttons.map((b) => b.text)).toContain('1000 кредитов · 70 ⭐');

    await deliver(callbackUpdate(buyer, `buy:${tariff.id}`));
    const [invoice] = sent(buyer.id, 'sendInvoice');
    expect(invoice.response.ok).toBe(true);
    expect(invoice.params).toMatchObject({ currency: 'XTR', title: `${tariff.slug} ru`, prices: [{ label: `${tariff.slug} ru`, amount: 3 }] });
    expect(invoice.params.provider_token ?? '').toBe('');
    const payload = String(invoice.params.payload);
    const [payment] = await db.query(`SELECT * FROM payments WHERE id = $1`, [payload.replace(/^pay:/, '')]);
    expect(payment).toMatchObject({ provider: 'telegram', status: 'pending', currency: 'XTR', tariff_id: tariff.id });

    const order = { payload, currency: 'XTR', totalAmount: 3 };
    await deliver(preCheckoutUpdate(buyer, order));
    expect(answers('answerPreCheckoutQuery').at(-1)!.params).toMatchObject({ ok: true });

    const userId = await userIdOf(buyer.id);
    const chargeId = `charge-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await deliver(successfulPaymentUpdate(buyer, { ...order, chargeId }));

    const credits = await db.query(`SELECT amount FROM ledger_transfers WHERE credit_account_id = $1 AND kind = 'purchase'`, [userId]);
    expect(credits).toEqual([{ amount: '2' }]);
    const receipts = sent(buyer.id).filter((call) => String(call.params.text).startsWith('✅'));
    expect(receipts.map((call) => call.params.text)).toEqual(['✅ Оплата получена: +2 кредита.\n💰 Ваш баланс: 2 кредита']);
    expect((await db.query(`SELECT status, external_id FROM payments WHERE id = $1`, [payment.id]))[0]).toEqual({ status: 'succeeded', external_id: chargeId });
    expect(await verifyLedger(db)).toBeUndefined();
  });

  it('shows and invoices the offered tariff at the one-time discount, once: the second invoice asks the full price', async () => {
    const tariff = await createTariff(10, 100);
    const buyer = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(messageUpdate(buyer, '/start'));
    // Offered 30 % off this tariff, as the worker's offer leaves it.
    await db.query(`INSERT INTO discount_offers (user_id, tariff_id, percent, expires_at) VALUES ($1, $2, 30, now() + interval '1 day')`, [
      await userIdOf(buyer.id),
      tariff.id,
    ]);
    await deliver(messageUpdate(buyer, '/buy'));
    const list = sent(buyer.id).at(-1)!;
    expect(buttonsOf(list)).toContainEqual(expect.objectContaining({ text: `${tariff.slug} en · 10 credits · 70 ⭐`, callback_data: `buy:${tariff.id}` }));
    expect(buttonsOf(list).map((b) => b.text)).toContain('1000 credits · 70 ⭐');

    await deliver(callbackUpdate(buyer, `buy:${tariff.id}`));
    await deliver(callbackUpdate(buyer, `buy:${tariff.id}`));
    const invoices = sent(buyer.id, 'sendInvoice');
    expect(invoices.map((call) => (call.params.prices as { amount: number }[])[0].amount)).toEqual([70, 100]);
    const order = { payload: String(invoices[0].params.payload), currency: 'XTR', totalAmount: 70 };
    await deliver(preCheckoutUpdate(buyer, order));
    expect(answers('answerPreCheckoutQuery').at(-1)!.params).toMatchObject({ ok: true });
    await deliver(successfulPaymentUpdate(buyer, { ...order, chargeId: `charge-${randomUUID()}` }));
    const credits = await db.query(`SELECT amount FROM ledger_transfers WHERE credit_account_id = $1 AND kind = 'purchase'`, [await userIdOf(buyer.id)]);
    expect(credits).toEqual([{ amount: '10' }]);
  });

  it('refuses the pre-checkout of a tariff withdrawn after its invoice, with the reason in the user’s language', async () => {
    const tariff = await createTariff(5, 1);
    const buyer = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(callbackUpdate(buyer, 'menu:buy'));
    await deliver(callbackUpdate(buyer, `buy:${tariff.id}`));
    const payload = String(sent(buyer.id, 'sendInvoice')[0].params.payload);
    await deactivate(tariff.id);
    const query = preCheckoutUpdate(buyer, { payload, currency: 'XTR', totalAmount: 1 });
    await deliver(query);
    const answer = answers('answerPreCheckoutQuery').find((call) => call.params.pre_checkout_query_id === query.pre_checkout_query.id)!;
    expect(answer.params).toMatchObject({ ok: false, error_message: 'This package is no longer sold.' });
  });

  it('answers a banned user’s pre-checkout with a no and the reason, never with silence', async () => {
    const tariff = await createTariff(4, 1);
    const buyer = { id: uniqueTelegramId(), language_code: 'uz' };
    await deliver(callbackUpdate(buyer, `buy:${tariff.id}`));
    const payload = String(sent(buyer.id, 'sendInvoice')[0].params.payload);
    await db.query(`UPDATE users SET is_banned = true WHERE telegram_id = $1`, [buyer.id]);
    const query = preCheckoutUpdate(buyer, { payload, currency: 'XTR', totalAmount: 1 });
    await deliver(query);
    const answer = answers('answerPreCheckoutQuery').find((call) => call.params.pre_checkout_query_id === query.pre_checkout_query.id)!;
    expect(answer.params).toMatchObject({ ok: false, error_message: expect.stringMatching(/^⛔/) });
  });

  it('answers a withdrawn tariff’s old button with today’s list, and sends no invoice', async () => {
    const tariff = await createTariff(7, 2);
    const buyer = { id: uniqueTelegramId(), language_code: 'en' };
    await deliver(messageUpdate(buyer, '/buy'));
    await deactivate(tariff.id);
    const press = callbackUpdate(buyer, `buy:${tariff.id}`);
    await deliver(press);
    expect(sent(buyer.id, 'sendInvoice')).toHaveLength(0);
    const answer = answers('answerCallbackQuery').find((call) => call.params.callback_query_id === press.callback_query.id)!;
    expect(answer.params.text).toBe('This package is no longer sold. Here are the current ones.');
    const fresh = sent(buyer.id).at(-1)!;
    expect(fresh.params.text).toBe('This package is no longer sold. Here are the current ones.\n\n💳 Choose a credit package (paid in Telegram Stars ⭐):');
    expect(buttonsOf(fresh).map((b) => b.callback_data)).not.toContain(`buy:${tariff.id}`);
    expect(await db.query(`SELECT 1 FROM payments WHERE tariff_id = $1`, [tariff.id])).toEqual([]);
  });

  it('/invite shows the referral link and what the invitees brought; menu:bonus lists today’s bonuses', async () => {
    const inviter = { id: uniqueTelegramId(), language_code: 'ru' };
    await deliver(messageUpdate(inviter, '/start'));
    const [{ referral_code: code }] = await db.query('SELECT referral_code FROM users WHERE telegram_id = $1', [inviter.id]);

    // Two invitees, one of whom buys a package through the bot.
    const tariff = await createTariff(30, 2);
    const [payer, other] = [{ id: uniqueTelegramId() }, { id: uniqueTelegramId() }];
    await deliver(messageUpdate(payer, `/start ref_${code}`));
    await deliver(messageUpdate(other, `/start ref_${code}`));
    await deliver(callbackUpdate(payer, `buy:${tariff.id}`));
    const payload = String(sent(payer.id, 'sendInvoice')[0].params.payload);
    await deliver(successfulPaymentUpdate(payer, { payload, currency: 'XTR', totalAmount: 2, chargeId: `charge-${randomUUID()}` }));

    await deliver(messageUpdate(inviter, '/invite'));
    const text = String(sent(inviter.id).at(-1)!.params.text);
    expect(text).toContain(`https://t.me/genbot_test_bot?start=ref_${code}`);
    expect(text).toContain('👥 Приглашено: 2 друга');
    expect(text).toContain('💳 Оплатили: 1');
    // 10 % of 30 credits.
    expect(text).toContain('🎁 Заработано: 3 кредита');

    await deliver(callbackUpdate(inviter, 'menu:bonus'));
    expect(sent(inviter.id).at(-1)!.params.text).toContain('вы получаете 10% кредитов с каждой их покупки');
  });
});
