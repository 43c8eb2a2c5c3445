import { Telegram } from 'telegraf';
import { LocalBotApi } from '../bot-api/local-bot-api';
import { signMiniAppInitData } from './mini-app-launch';
import { SandboxChat, SandboxUser } from './sandbox-chat';
import { validateInitData } from '@genbot/telegram';

describe('SandboxChat: a Telegram app played for the sandbox page', () => {
  let api: LocalBotApi;
  let telegram: Telegram;
  let chat: SandboxChat;
  const olga: SandboxUser = { id: 5150, first_name: 'Olga', language_code: 'ru' };

  beforeAll(async () => {
    api = await LocalBotApi.start({ maxLongPollMs: 2_000 });
    telegram = new Telegram(api.token, { apiRoot: api.apiRoot });
    chat = new SandboxChat(api);
  });
  afterAll(() => api.close());

  /** The bot's side: answers the next pre-checkout query as told. */
  const botAnswersPreCheckout = async (accept: boolean) => {
    const [update] = await telegram.getUpdates(2, 1, 0, undefined);
    const query = (update as { pre_checkout_query: { id: string; invoice_payload: string; total_amount: number } }).pre_checkout_query;
    await telegram.getUpdates(0, 1, update.update_id + 1, undefined);
    await telegram.answerPreCheckoutQuery(query.id, accept, accept ? undefined : 'Sold out');
    return query;
  };
  const invoice = () =>
    telegram.sendInvoice(olga.id, {
      title: '1000 credits',
      description: 'Credits',
      payload: 'pay:42',
      currency: 'XTR',
      prices: [{ label: '1000', amount: 70 }],
      provider_token: '',
    });

  it('pays: pre_checkout_query with the invoice payload, then successful_payment in the chat', async () => {
    const sent = await invoice();
    const [outcome, query] = await Promise.all([chat.pay(olga, { messageId: sent.message_id }), botAnswersPreCheckout(true)]);

    expect(query).toMatchObject({ invoice_payload: 'pay:42', total_amount: 70 });
    expect(outcome).toEqual({ status: 'paid', chargeId: expect.stringMatching(/^sandbox_/) });
    const [update] = await telegram.getUpdates(0, 1, 0, undefined);
    expect(update).toMatchObject({
      message: {
        from: { id: olga.id },
        successful_payment: {
          invoice_payload: 'pay:42',
          total_amount: 70,
          currency: 'XTR',
          telegram_payment_charge_id: outcome.status === 'paid' ? outcome.chargeId : '',
        },
      },
    });
    await telegram.getUpdates(0, 1, update.update_id + 1, undefined);
  });

  it('declines after the bot said yes, and relays a bot’s no with its reason; neither sends successful_payment', async () => {
    const sent = await invoice();
    const [declined] = await Promise.all([chat.pay(olga, { messageId: sent.message_id }, { decline: true }), botAnswersPreCheckout(true)]);
    const [refused] = await Promise.all([chat.pay(olga, { messageId: sent.message_id }), botAnswersPreCheckout(false)]);

    expect(declined).toEqual({ status: 'declined' });
    expect(refused).toEqual({ status: 'refused', reason: 'Sold out' });
    expect(await telegram.getUpdates(0, 10, 0, undefined)).toEqual([]);
    expect(api.chats.list(olga.id).some((message) => 'successful_payment' in message && Number(message.message_id) > sent.message_id)).toBe(false);
  });

  it('signs Mini App initData that genbot’s validator accepts for this user', () => {
    const data = validateInitData(signMiniAppInitData(api.token, olga), api.token, { maxAgeSeconds: 60 });
    expect(data.user).toMatchObject({ id: olga.id, firstName: 'Olga', languageCode: 'ru' });
    expect(() => validateInitData(signMiniAppInitData(api.token, olga), '1:AAF-another-bots-token-000000000', { maxAgeSeconds: 60 })).toThrow();
  });
});
