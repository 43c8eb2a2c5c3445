import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Locator, Page, chromium } from 'playwright-core';
import sharp from 'sharp';
import { Telegram } from 'telegraf';
import { AppProcess, TEST_DATABASE_URL, TEST_REDIS_URL, eventually, freePort, silentMp3 } from '@genbot/testing';

const ROOT = join(__dirname, '../../..');
/** Looked at by a person after the run; ignored by git. */
const SCREENSHOTS = join(ROOT, '.artifacts/screenshots/sandbox');

function viteBuild(app: string, outDir: string): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', app, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}

/**
 * Issue 15's proof: `npm start` with no settings but a database and a Redis of the tests' own
 * (apps/main.ts in a process of its own, as `npm start` runs it), and a person in Chromium on
 * the sandbox page: /start, a language, Stars, a generated image, the Mini App's balance, a voice
 * message. Nothing is faked here: the bot talks to the sandbox's Bot API as it would to Telegram.
 */
describe('sandbox: npm start with no BOT_TOKEN, used from a browser', () => {
  let dir: string;
  let app: AppProcess;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genbot-sandbox-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    viteBuild('apps/sandbox', join(dir, 'sandbox'));
    viteBuild('apps/webapp', join(dir, 'webapp'));
    const [publicApi, adminApi, worker] = [await freePort(), await freePort(), await freePort()];
    app = await AppProcess.start(
      { name: 'npm start', main: 'apps/main.ts', portVariable: 'BOT_PORT' },
      {
        // No BOT_TOKEN, no provider keys: only where the tests' PostgreSQL and Redis are, and free ports.
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: TEST_REDIS_URL,
        DATA_DIR: join(dir, 'data'),
        SANDBOX_DIR: join(dir, 'sandbox'),
        WEBAPP_DIR: join(dir, 'webapp'),
        PUBLIC_API_PORT: String(publicApi),
        ADMIN_API_PORT: String(adminApi),
        WORKER_PORT: String(worker),
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
      },
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // A microphone that plays a tone, granted without asking: the voice message is recorded for real.
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['microphone'] });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const botMessages = () => page.getByTestId('bot-message');
  /** The last bot message whose text has `text`, once it is there. */
  const botSays = async (text: string | RegExp, timeout = 15_000): Promise<Locator> => {
    const message = botMessages().filter({ hasText: text }).last();
    await message.waitFor({ timeout });
    return message;
  };
  /** Presses the inline button with `label` in its text on the latest message that has one. */
  const press = (label: string) => page.locator('.inline-button', { hasText: label }).last().click();
  const say = async (text: string) => {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('message-input').press('Enter');
  };

  it('prints the page URL and serves it from the bot app', async () => {
    const url = await eventually(
      async () => /Sandbox: chat with your bot at ([^\s"]+)/.exec(app.log)?.[1],
      (found) => found !== undefined,
      10_000,
    );
    expect(url).toBe(`http://localhost:${app.port}/sandbox/`);
    const token = readFileSync(join(dir, 'data/sandbox/bot-token'), 'utf8');
    expect(token).toMatch(/^\d+:[\w-]{30,}$/);
  });

  it('/start, a language, Stars, an image, the Mini App with the same balance, a voice message', async () => {
    try {
      await walkThrough();
    } catch (error) {
      await shoot('failure');
      throw error;
    }
  }, 180_000);

  async function walkThrough(): Promise<void> {
    await page.goto(`${app.baseUrl}/sandbox/`);
    await page.getByText('Say /start to the bot.').waitFor();
    const alex = page.locator('.user.active');
    await expect(alex.textContent()).resolves.toContain('Alex');

    await say('/start');
    await botSays('Welcome, Alex');
    await shoot('1-start');

    // Language: the menu's button, then Русский; the bot answers in Russian from then on.
    await press('🌐 Language');
    await press('🇷🇺 Русский');
    await botSays('Язык изменён на русский');

    // Stars: the package list, its invoice, and the payment Telegram would take.
    await press('💳 Купить кредиты');
    await press('1000 кредитов');
    const invoice = page.getByTestId('invoice').last();
    await invoice.waitFor();
    await shoot('2-invoice');
    await invoice.getByRole('button').click();
    await page.getByTestId('payment-dialog').waitFor();
    await shoot('3-payment-dialog');
    await page.getByTestId('confirm-payment').click();
    await botSays('Оплата получена: +1000 кредитов');
    await page.getByTestId('payment-service').waitFor();

    // An image through the built-in local provider (no provider keys): model, size, prompt, confirm.
    await press('🎨 Создать');
    await press('Local sketch');
    await press('1024*1024');
    await say('a lighthouse at dusk, watercolor');
    await press('✅ Подтвердить');
    const photo = page.getByTestId('photo').last();
    await photo.waitFor({ timeout: 60_000 });
    await eventually(
      () => photo.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      (width) => Number(width) > 0,
      15_000,
    );
    await photo.scrollIntoViewIfNeeded();
    await shoot('4-generated-image');

    // The bot's balance, then the Mini App's for the same user: one number.
    await say('/balance');
    const said = await botSays('Ваш баланс');
    const balance = /Ваш баланс: (\d+)/.exec((await said.textContent()) ?? '')![1];
    expect(Number(balance)).toBeGreaterThan(0);
    await page.getByTestId('open-mini-app').click();
    const miniApp = page.frameLocator('[data-testid="mini-app-frame"]');
    await miniApp.locator('nav.tabs button', { hasText: 'Баланс' }).click();
    await eventually(
      () => miniApp.getByTestId('balance').textContent(),
      (text) => text === balance,
      15_000,
    );
    await shoot('5-mini-app-balance');

    // Stars from inside the Mini App: its openInvoice reaches the sandbox's payment sheet, the bot
    // settles the payment, and the Mini App hears invoice_closed and shows the new balance.
    await miniApp.locator('[data-tariff="credits-1000"]').click();
    await page.getByTestId('payment-dialog').waitFor();
    await page.getByTestId('confirm-payment').click();
    await eventually(
      () => miniApp.getByTestId('balance').textContent(),
      (text) => text === String(Number(balance) + 1000),
      15_000,
    );
    // The receipt comes to the chat, as Telegram delivers successful_payment there.
    await eventually(
      () => botMessages().filter({ hasText: 'Оплата получена: +1000 кредитов' }).count(),
      (receipts) => receipts === 2,
      15_000,
    );
    await shoot('5b-mini-app-paid');

    // Create in the Mini App: Telegram's main button is drawn by the sandbox under the frame; the
    // Mini App then shows the result in its works.
    await miniApp.locator('nav.tabs button', { hasText: 'Создать' }).click();
    await miniApp.locator('[data-model="local-text-to-image"]').click();
    await miniApp.getByRole('textbox').fill('a red bicycle');
    const mainButton = page.getByTestId('mini-app-main-button');
    await eventually(
      () => mainButton.isEnabled(),
      (enabled) => enabled,
      15_000,
    );
    await shoot('5c-mini-app-create');
    await mainButton.click();
    await miniApp.getByText('a red bicycle').first().waitFor({ timeout: 15_000 });
    // Done: its picture joins the lighthouse's in the history.
    await eventually(
      () => miniApp.locator('img').count(),
      (pictures) => pictures >= 2,
      60_000,
    );
    await shoot('5d-mini-app-works');

    // A voice message recorded with the (fake) microphone reaches the bot, which answers it.
    const answered = await botMessages().count();
    await page.getByTestId('record').click();
    await page.waitForTimeout(1200);
    await page.getByTestId('record').click();
    await page.getByTestId('voice').last().waitFor();
    await botSays('Голосовые сообщения');
    expect(await botMessages().count()).toBeGreaterThan(answered);
    await shoot('6-voice');
    expect(errors).toEqual([]);
  }

  it('shows what a bot can send: albums, video, audio, documents, HTML, reply keyboards, edits; sends a photo from a file', async () => {
    try {
      await media();
    } catch (error) {
      await shoot('failure-media');
      throw error;
    }
  }, 60_000);

  async function media(): Promise<void> {
    // The sandbox's Bot API takes any client with the token, as Telegram does: here a second one
    // sends what genbot's own flows rarely do, to the first sandbox user.
    const apiRoot = /a local Telegram Bot API at (http:\/\/127\.0\.0\.1:\d+)/.exec(app.log)![1];
    const token = readFileSync(join(dir, 'data/sandbox/bot-token'), 'utf8').trim();
    const [alex] = JSON.parse(readFileSync(join(dir, 'data/sandbox/users.json'), 'utf8')) as { id: number }[];
    const telegram = new Telegram(token, { apiRoot });
    const picture = (background: string) =>
      sharp({ create: { width: 320, height: 200, channels: 3, background } })
        .png()
        .toBuffer();

    await page.getByTestId('attach').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: await picture('#c98a3c') });
    await page
      .getByTestId('user-message')
      .filter({ has: page.getByTestId('photo') })
      .last()
      .waitFor();

    await telegram.sendMediaGroup(alex.id, [
      { type: 'photo', media: { source: await picture('#3390ec') } },
      { type: 'photo', media: { source: await picture('#7bc862') }, caption: 'an <b>album</b>', parse_mode: 'HTML' },
    ]);
    await telegram.sendAudio(alex.id, { source: silentMp3(), filename: 'theme.mp3' });
    await telegram.sendDocument(alex.id, { source: Buffer.from('plain text'), filename: 'notes.txt' });
    await telegram.sendVideo(alex.id, { source: Buffer.from('not really a video'), filename: 'clip.mp4' });
    const edited = await telegram.sendMessage(alex.id, 'first draft');
    await telegram.editMessageText(alex.id, edited.message_id, undefined, 'final <i>words</i>, <a href="https://example.com/">a link</a>', {
      parse_mode: 'HTML',
    });
    await telegram.sendMessage(alex.id, 'Pick one below', { reply_markup: { keyboard: [[{ text: 'Yes' }, { text: 'No' }]], resize_keyboard: true } });

    const album = page.getByTestId('album').last();
    await album.waitFor();
    expect(await album.getByTestId('photo').count()).toBe(2);
    await expect(botMessages().filter({ has: album }).locator('b').textContent()).resolves.toBe('album');
    await page.getByTestId('audio').last().waitFor();
    await expect(page.getByTestId('document').last().textContent()).resolves.toContain('notes.txt');
    await page.getByTestId('video').last().waitFor();
    const finalWords = await botSays('final words');
    await expect(finalWords.locator('i').textContent()).resolves.toBe('words');
    await expect(finalWords.locator('a').getAttribute('href')).resolves.toBe('https://example.com/');
    await expect(finalWords.textContent()).resolves.toContain('edited');
    await botMessages().filter({ hasText: 'Pick one below' }).waitFor();
    await page.getByTestId('reply-keyboard').getByRole('button', { name: 'Yes' }).click();
    await page.getByTestId('user-message').filter({ hasText: /^Yes/ }).last().waitFor();
    await shoot('7-media');
    expect(errors).toEqual([]);
  }
});
