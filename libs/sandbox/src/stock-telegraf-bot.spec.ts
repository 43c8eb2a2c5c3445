import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { LocalBotApi } from './bot-api/local-bot-api';
import { SandboxChat, SandboxUser } from './sandbox/sandbox-chat';

const ROOT = join(__dirname, '../../..');

/** A bot as anyone writes it from telegraf's README, with nothing of genbot in it: only its apiRoot points at the stand-in. */
const STOCK_BOT = `
const { Telegraf, Markup } = require('telegraf');
const bot = new Telegraf(process.env.BOT_TOKEN, { telegram: { apiRoot: process.env.API_ROOT } });
bot.start((ctx) => ctx.reply('Hello, <b>' + ctx.from.first_name + '</b>!', { parse_mode: 'HTML', ...Markup.inlineKeyboard([Markup.button.callback('Ping', 'ping')]) }));
bot.action('ping', async (ctx) => {
  await ctx.answerCbQuery('pong');
  await ctx.editMessageText('Pong!');
});
bot.on('photo', async (ctx) => {
  const link = await ctx.telegram.getFileLink(ctx.message.photo.at(-1).file_id);
  const bytes = Buffer.from(await (await fetch(link)).arrayBuffer());
  await ctx.replyWithPhoto({ source: bytes }, { caption: 'got ' + bytes.length + ' bytes' });
});
bot.on('voice', (ctx) => ctx.reply('a voice of ' + ctx.message.voice.duration + ' s'));
bot.on('text', (ctx) => ctx.reply([...ctx.message.text].reverse().join('')));
bot.launch();
process.once('SIGTERM', () => bot.stop('SIGTERM'));
`;

describe('a stock telegraf bot on the stand-in, long polling', () => {
  let api: LocalBotApi;
  let bot: ChildProcess;
  let output = '';
  const alex: SandboxUser = { id: 4242, first_name: 'Alex', language_code: 'en' };
  const chat = () => new SandboxChat(api);
  const botMessages = () => api.chats.list(alex.id).filter((message) => (message.from as { is_bot: boolean }).is_bot);
  const nextBotMessage = async (after: number, timeoutMs = 10_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const found = botMessages().find((message) => Number(message.message_id) > after);
      if (found) return found;
    }
    throw new Error(`the bot said nothing after message ${after}; its output: ${output}`);
  };

  beforeAll(async () => {
    api = await LocalBotApi.start({ token: '5550001:AAF-stock-telegraf-bot-token_0000', maxLongPollMs: 5_000 });
    bot = spawn(process.execPath, ['-e', STOCK_BOT], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BOT_TOKEN: api.token, API_ROOT: api.apiRoot },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The bot is up once it asks for updates.
    await api.waitForCall('getUpdates', () => true, 15_000);
  }, 30_000);
  afterAll(async () => {
    const exited = new Promise((resolve) => bot.once('exit', resolve));
    bot.kill('SIGTERM');
    await exited;
    await api.close();
  });

  it('answers /start with HTML and a button, and edits on the press', async () => {
    const start = chat().sendText(alex, '/start');
    const hello = await nextBotMessage(Number(start.message_id));
    expect(hello).toMatchObject({ text: 'Hello, Alex!', entities: [{ type: 'bold', offset: 7, length: 4 }] });
    expect(hello.reply_markup).toEqual({ inline_keyboard: [[expect.objectContaining({ text: 'Ping', callback_data: 'ping' })]] });

    expect(await chat().pressButton(alex, Number(hello.message_id), 'ping')).toEqual({ text: 'pong', showAlert: false });
    await api.waitForCall('editMessageText', (call) => call.params.message_id === hello.message_id);
    expect(api.chats.get(alex.id, Number(hello.message_id))).toMatchObject({ text: 'Pong!', edit_date: expect.any(Number) });
    expect(api.chats.get(alex.id, Number(hello.message_id))?.reply_markup).toBeUndefined();
  });

  it('downloads a photo the user sent (getFile) and sends one back that the page can show', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3390ec' } })
      .png()
      .toBuffer();
    const sent = chat().sendFile(alex, 'photo', { data: png, ext: 'png' });
    const reply = await nextBotMessage(Number(sent.message_id));
    expect(reply.caption).toBe(`got ${png.length} bytes`);
    const [, largest] = reply.photo as { file_id: string }[];
    expect(api.chats.file(largest.file_id)?.data).toEqual(png);
  });

  it('hears voice and text', async () => {
    const voice = chat().sendFile(alex, 'voice', { data: Buffer.from('OggS'), ext: 'ogg', duration: 3 });
    expect((await nextBotMessage(Number(voice.message_id))).text).toBe('a voice of 3 s');
    const text = chat().sendText(alex, 'sandbox');
    expect((await nextBotMessage(Number(text.message_id))).text).toBe('xobdnas');
  });
});
