import AxeBuilder from '@axe-core/playwright';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@genbot/core';
import { PaymentsService } from '@genbot/payments';
import { FakeTelegramApi, eventually, freePort, signInitData, testConfig, uniqueTelegramId } from '@genbot/testing';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapPublicApi } from '../src/bootstrap';

const ROOT = join(__dirname, '../../..');
/** Looked at by a person after the run (CI keeps the folder as an artifact); ignored by git. */
const SCREENSHOTS = join(ROOT, '.artifacts/screenshots');

const LIGHT = {
  bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#6d6d72',
  link_color: '#1f6fd1',
  button_color: '#2481cc',
  button_text_color: '#ffffff',
  secondary_bg_color: '#efeff3',
  section_bg_color: '#f4f4f7',
  accent_text_color: '#1f6fd1',
  destructive_text_color: '#c62828',
};
const DARK = {
  bg_color: '#17212b',
  text_color: '#f5f5f5',
  hint_color: '#a0acb8',
  link_color: '#6ab3f3',
  button_color: '#2f6ea5',
  button_text_color: '#ffffff',
  secondary_bg_color: '#0e1621',
  section_bg_color: '#232e3c',
  accent_text_color: '#6ab3f3',
  destructive_text_color: '#ff8a80',
};

/** A small photo for the tools (sharp draws it, as the local provider would read it). */
const PHOTO = sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } } })
  .png()
  .toBuffer();

type BridgeEvent = { type: string; data?: Record<string, unknown> };

/**
 * The Mini App in a real Chromium against the real public-api and worker (PostgreSQL, Redis,
 * the local provider), Telegram played by the fake Bot API and by the launch parameters and
 * bridge events a Telegram client would give the page.
 */
describe('webapp: the Mini App in Chromium', () => {
  let telegram: FakeTelegramApi;
  let config: AppConfig;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let browser: Browser;
  let base: string;
  let webappDir: string;
  let dataDir: string;

  beforeAll(async () => {
    webappDir = mkdtempSync(join(tmpdir(), 'genbot-webapp-'));
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-webapp-data-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The production build, as `npm run build` makes it (into a folder of its own, so a parallel build cannot empty it).
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'apps/webapp', '--outDir', webappDir, '--emptyOutDir', '--logLevel', 'error'],
      {
        cwd: ROOT,
        env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      },
    );
    telegram = await FakeTelegramApi.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    config = testConfig({
      BOT_TOKEN: telegram.token,
      BOT_USERNAME: 'genbot_test_bot',
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: base,
      FILE_URL_SECRET: 'w'.repeat(40),
      WEBAPP_DIR: webappDir,
      // The Mini App served by another host (its dev server, a CDN) still calls this API.
      MINI_APP_URL: 'https://webapp.example.com/app/',
    });
    api = await bootstrapPublicApi(config, { port });
    worker = await bootstrapWorker(config, { port: 0 });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await api?.close();
    await telegram?.close();
    rmSync(webappDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const initDataFor = (id: number, language = 'en', authDate?: Date) =>
    signInitData(telegram.token, { user: { id, first_name: 'Lola', username: `lola${id}`, language_code: language }, authDate });

  /** A Telegram client opening the Mini App: launch parameters in the hash, and a bridge that records what the page asks of Telegram. */
  async function openMiniApp(initData: string | null, theme = LIGHT): Promise<{ context: BrowserContext; page: Page; events: () => Promise<BridgeEvent[]> }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    // Telegram's Android client: the page talks to it through window.TelegramWebviewProxy.
    await context.addInitScript(
      'window.__bridge = []; window.TelegramWebviewProxy = { postEvent: (type, data) => window.__bridge.push({ type, data: data ? JSON.parse(data) : undefined }) };',
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const hash = initData
      ? '#' +
        new URLSearchParams({
          tgWebAppData: initData,
          tgWebAppVersion: '8.0',
          tgWebAppPlatform: 'android',
          tgWebAppThemeParams: JSON.stringify(theme),
        }).toString()
      : '';
    await page.goto(`${base}/app/${hash}`);
    return { context, page, events: () => page.evaluate<BridgeEvent[]>('window.__bridge') };
  }
  /** A Telegram client → page event, the way the client delivers it. */
  const emit = (page: Page, type: string, data?: Record<string, unknown>) =>
    page.evaluate(`window.Telegram.WebView.receiveEvent(${JSON.stringify(type)}, ${JSON.stringify(data ?? null)})`);
  /** What the page shows in `testId`, once it is not `not` any more. */
  const shown = (page: Page, testId: string, done: (text: string | null) => boolean) => eventually(() => page.getByTestId(testId).textContent(), done, 15_000);

  /**
   * Waits until `count` result images have loaded (read with page.evaluate: the page's CSP, rightly,
   * refuses the string evaluation that waitForFunction would need).
   */
  const loadedImages = (page: Page, count: number) =>
    eventually(
      () =>
        page.evaluate<number>(
          `[...document.querySelectorAll('article[data-status="succeeded"] figure.result img')].filter((img) => img.complete && img.naturalWidth > 0).length`,
        ),
      (loaded) => loaded === count,
      30_000,
    );

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }
  async function expectAccessible(page: Page): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  const tab = (page: Page, name: string) => page.locator('nav.tabs button', { hasText: name }).click();

  it('serves the built app at /app/ without touching the API: long cache for hashed assets, index.html for app routes', async () => {
    const http = request(api.getHttpServer());
    const page = await http.get('/app/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = readdirSync(join(webappDir, 'assets')).find((name) => name.endsWith('.js'))!;
    const js = await http.get(`/app/assets/${asset}`).expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await http.get('/app/balance').expect(200)).text).toBe(page.text);
    await http.get('/app/assets/gone-1234.js').expect(404);
    expect((await http.get('/app').expect(301)).headers.location).toBe('/app/');
    expect((await http.get('/api/v1/health').expect(200)).body.status).toBe('ok');
    // CORS for MINI_APP_URL's origin, and none for others, as before the app was mounted.
    const preflight = await http
      .options('/api/v1/users/sync')
      .set('Origin', 'https://webapp.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-telegram-init-data,content-type')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://webapp.example.com');
    const foreign = await http.get('/api/v1/models').set('Origin', 'https://evil.example.com').expect(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect((await http.get('/api/v1/nope').expect(404)).body.code).toBeDefined();
  });

  it('creates an image through the local provider and shows it; buys credits with Stars and the balance updates', async () => {
    const telegramId = uniqueTelegramId();
    const { context, page, events } = await openMiniApp(initDataFor(telegramId));
    try {
      // Create: model cards with prices from /models, the live price from /generations/price.
      await page.locator('[data-model="local-text-to-image"]').click();
      await page.getByRole('textbox').fill('a lighthouse at dusk, watercolor');
      await shown(page, 'price', (text) => text !== '…');
      await shoot(page, '1-create');
      await expectAccessible(page);

      // The daily bonus tab exists exactly when the server has the claim route (it is being built apart).
      const bonusRoute = (await request(api.getHttpServer()).post('/api/v1/bonus/daily/claim')).status !== 404;
      await eventually(
        () => page.locator('nav.tabs button', { hasText: 'Bonus' }).count(),
        (tabs) => tabs === (bonusRoute ? 1 : 0),
      );

      // Telegram's main button submits (the page asked the client to show it, with the price).
      const button = (await events()).filter((e) => e.type === 'web_app_setup_main_button').at(-1)!;
      expect(button.data).toMatchObject({ is_visible: true, is_active: true, text: expect.stringContaining('Generate') });
      await emit(page, 'main_button_pressed');

      // My works: the worker runs the local provider and the result image appears.
      await page.locator('[data-screen="generations"]').waitFor();
      const image = page.locator('article[data-status="succeeded"] figure.result img');
      await image.waitFor({ timeout: 30_000 });
      await loadedImages(page, 1);
      await shoot(page, '2-generations');
      await expectAccessible(page);

      await tab(page, 'Invite');
      expect(await shown(page, 'referral-link', (text) => !!text)).toMatch(/^https:\/\/t\.me\/genbot_test_bot\?start=ref_/);
      await shoot(page, '3-invite');
      await expectAccessible(page);

      // Balance and buy: confirm → invoice link (fake Bot API) → openInvoice → paid → settled → new balance.
      await tab(page, 'Balance');
      const before = Number(await shown(page, 'balance', (text) => text !== '…'));
      await page.locator('[data-tariff="credits-1000"]').click();
      const opened = (await eventually(events, (all) => all.some((e) => e.type === 'web_app_open_invoice'))).find((e) => e.type === 'web_app_open_invoice')!;
      const link = telegram.calls('createInvoiceLink').at(-1)!;
      expect(link.params).toMatchObject({ currency: 'XTR' });
      // What the bot does on successful_payment (the bot's own e2e covers that path).
      await api.get(PaymentsService).settleStars({
        currency: 'XTR',
        total_amount: Number((link.params.prices as { amount: number }[])[0].amount),
        invoice_payload: String(link.params.payload),
        telegram_payment_charge_id: `charge-${randomUUID()}`,
      });
      await emit(page, 'invoice_closed', { slug: opened.data!.slug, status: 'paid' });
      await shown(page, 'balance', (text) => text === String(before + 1000));
      await shoot(page, '4-balance');
      await expectAccessible(page);

      // Tools: a photo uploaded through /media/upload, run by the local fallback of a tool, paid from the new credits.
      await tab(page, 'Tools');
      await page.locator('input[type="file"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: await PHOTO });
      await page.locator('.thumb:not(.uploading)').waitFor();
      await page.locator('[data-tool="denoise"]').click();
      await shoot(page, '5-tools');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Run' }).click();
      await page.locator('[data-screen="generations"]').waitFor();
      await loadedImages(page, 2);
      const balance = await request(api.getHttpServer())
        .get(`/api/v1/users/${telegramId}/balance`)
        .set('X-Telegram-Init-Data', initDataFor(telegramId))
        .expect(200);
      expect(balance.body).toEqual({ balance: before + 1000 - 20, available: before + 1000 - 20, reserved: 0 });
      await shoot(page, '7-generations-tool');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('speaks the user’s Telegram language in Telegram’s dark theme; a 402 leads to Buy', async () => {
    const telegramId = uniqueTelegramId();
    // A user whose free generation is spent and who has no credits.
    const { body: profile } = await request(api.getHttpServer())
      .post('/api/v1/users/sync')
      .set('X-Telegram-Init-Data', initDataFor(telegramId, 'ru'))
      .send({})
      .expect(200);
    await api
      .get(DataSource)
      .query(`INSERT INTO trial_uses (user_id, model_id, generation_id) SELECT $1, id, $2 FROM models WHERE slug = 'local-text-to-image'`, [
        profile.id,
        randomUUID(),
      ]);
    const { context, page } = await openMiniApp(initDataFor(telegramId, 'ru'), DARK);
    try {
      await page.locator('[data-model="local-text-to-image"]').click();
      expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(23, 33, 43)');
      await page.getByRole('textbox').fill('маяк на закате');
      await shown(page, 'price', (text) => text === '5 кредитов');
      await shoot(page, '6-create-dark-ru');
      await expectAccessible(page);
      await emit(page, 'main_button_pressed');
      await page.locator('[data-screen="balance"]').waitFor();
      expect(await page.getByRole('status').first().textContent()).toBe('Не хватает кредитов: пополните баланс, чтобы продолжить.');
      await page.locator('[data-tariff="credits-1000"]').waitFor();
      await shoot(page, '8-balance-402-dark-ru');
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('shows "open this from the bot" without initData, and when the API refuses it (401)', async () => {
    const bare = await openMiniApp(null);
    try {
      await bare.page.locator('[data-screen="unauthorized"]').waitFor();
      expect(await bare.page.locator('h1').textContent()).toBe('Open this from the bot');
      await shoot(bare.page, '9-unauthorized');
      await expectAccessible(bare.page);
    } finally {
      await bare.context.close();
    }
    const stale = await openMiniApp(initDataFor(uniqueTelegramId(), 'uz', new Date(Date.now() - 2 * 86_400_000)));
    try {
      await stale.page.locator('[data-screen="unauthorized"]').waitFor();
      expect(await stale.page.locator('h1').textContent()).toBe('Buni bot orqali oching');
    } finally {
      await stale.context.close();
    }
  });
});
