import AxeBuilder from '@axe-core/playwright';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@genbot/core';
import { CatalogService } from '@genbot/generations';
import { PaymentsService } from '@genbot/payments';
import { FakeTelegramApi, createTestUser, eventually, freePort, signInitData, signLoginWidget, testConfig, uniqueTelegramId } from '@genbot/testing';
import { UsersService } from '@genbot/users';
import { bootstrapPublicApi } from '../../public-api/src/bootstrap';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { bootstrapAdminApi } from '../src/bootstrap';

const ROOT = join(__dirname, '../../..');
/** Looked at by a person after the run (CI keeps the folder as an artifact); ignored by git. */
const SCREENSHOTS = join(ROOT, '.artifacts/screenshots');

/** The production build of a Vite app, into a folder of its own (a parallel build cannot empty it). */
function viteBuild(app: string, outDir: string): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', app, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}

/**
 * The admin panel in a real Chromium against the real admin-api, public-api and worker
 * (PostgreSQL, Redis), Telegram played by the fake Bot API. Signs in through the dev path (no
 * script may come from telegram.org here), and does what an operator does on each page.
 */
describe('admin panel in Chromium', () => {
  const owner = uniqueTelegramId();
  const support = uniqueTelegramId();
  /** A model of this suite's own (a copy of the local one, inactive): other suites' prices stay as they are. */
  const slug = `panel-e2e-${randomUUID().slice(0, 8)}`;
  let telegram: FakeTelegramApi;
  let config: AppConfig;
  let admin: NestFastifyApplication;
  let api: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let browser: Browser;
  let panelUrl: string;
  let panelDir: string;
  let appUrl: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    panelDir = mkdtempSync(join(tmpdir(), 'genbot-panel-'));
    const webappDir = mkdtempSync(join(tmpdir(), 'genbot-webapp-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'genbot-panel-data-'));
    dirs.push(panelDir, webappDir, dataDir);
    mkdirSync(SCREENSHOTS, { recursive: true });
    viteBuild('apps/admin-panel', panelDir);
    viteBuild('apps/webapp', webappDir);
    telegram = await FakeTelegramApi.start();
    const [adminPort, apiPort] = [await freePort(), await freePort()];
    panelUrl = `http://127.0.0.1:${adminPort}/panel/`;
    appUrl = `http://127.0.0.1:${apiPort}/app/`;
    config = testConfig({
      BOT_TOKEN: telegram.token,
      BOT_USERNAME: 'genbot_test_bot',
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ADMIN_TELEGRAM_IDS: String(owner),
      JWT_SECRET: 'p'.repeat(40),
      FILE_URL_SECRET: 'q'.repeat(40),
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      ADMIN_PANEL_DIR: panelDir,
      WEBAPP_DIR: webappDir,
    });
    admin = await bootstrapAdminApi(config, { port: adminPort });
    api = await bootstrapPublicApi(config, { port: apiPort });
    worker = await bootstrapWorker(config, { port: 0 });
    await admin.get(DataSource).query(
      `WITH copy AS (
         INSERT INTO models (slug, display_name, description, kind, modes, provider, provider_model, options_schema, min_input_images, max_input_images,
                             outputs_per_run, avg_duration_seconds, timeout_seconds, is_active, sort_order)
         SELECT $1, 'Panel test model', description, kind, modes, provider, provider_model, options_schema, min_input_images, max_input_images,
                outputs_per_run, avg_duration_seconds, timeout_seconds, false, 999
         FROM models WHERE slug = 'local-text-to-image' RETURNING id)
       INSERT INTO model_prices (model_id, credits) SELECT id, 5 FROM copy`,
      [slug],
    );
    // Written around the catalog's service: every process (and Redis, shared with the other suites) must drop its copy.
    await admin.get(CatalogService).invalidate();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await admin
      ?.get(DataSource)
      .query(`DELETE FROM models WHERE slug = $1`, [slug])
      .catch(() => undefined);
    await admin
      ?.get(CatalogService)
      .invalidate()
      .catch(() => undefined);
    await worker?.close();
    await api?.close();
    await admin?.close();
    await telegram?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function open(colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, colorScheme });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // No script from outside: the dev path must not even try telegram.org.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      errors.push(`outside request: ${route.request().url()}`);
      return route.abort();
    });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(panelUrl);
    return { context, page, errors };
  }

  async function signIn(page: Page, telegramId: number): Promise<void> {
    await page.getByLabel('Telegram id').fill(String(telegramId));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main[data-page=""]').waitFor();
  }
  const go = (page: Page, section: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section, exact: true }).click();
  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `panel-${name}.png`), fullPage: true });
  }
  async function expectAccessible(page: Page): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  const asUser = (telegramId: string) => ({
    'X-Telegram-Init-Data': signInitData(telegram.token, { user: { id: Number(telegramId), first_name: 'Test', language_code: 'en' } }),
  });

  /** A generation through the local provider, run by the worker to its end; its id. */
  async function generate(telegramId: string): Promise<string> {
    const http = request(api.getHttpServer());
    const made = await http
      .post('/api/v1/generations/submit')
      .set(asUser(telegramId))
      .set('Idempotency-Key', randomUUID())
      .send({ model_id: 'local-text-to-image', prompt: 'a lighthouse' })
      .expect(201);
    await eventually(
      async () => (await http.get(`/api/v1/generations/${made.body.id}`).set(asUser(telegramId)).expect(200)).body.status,
      (status) => status === 'succeeded',
      30_000,
    );
    return made.body.id;
  }

  /** What a user does that the dashboard counts: a Stars purchase and two generations (the model's free trial, then a paid one); the paid one's id. */
  async function someActivity(telegramId: string): Promise<string> {
    const http = request(api.getHttpServer());
    const { options } = (await http.get('/api/v1/payments/stars/options').set(asUser(telegramId)).expect(200)).body as {
      options: { tariff_id: string; slug: string }[];
    };
    const tariff = options.find((o) => o.slug === 'credits-1000')!;
    await http.post('/api/v1/payments/stars/confirm').set(asUser(telegramId)).send({ tariff_id: tariff.tariff_id }).expect(200);
    // What the bot does on successful_payment (the bot's own e2e covers that path).
    const link = telegram.calls('createInvoiceLink').at(-1)!;
    await api.get(PaymentsService).settleStars({
      currency: 'XTR',
      total_amount: Number((link.params.prices as { amount: number }[])[0].amount),
      invoice_payload: String(link.params.payload),
      telegram_payment_charge_id: `charge-${randomUUID()}`,
    });
    await generate(telegramId);
    return generate(telegramId);
  }

  /** The text in `locator` once `done` holds. */
  const shown = (read: () => Promise<string | null>, done: (text: string | null) => boolean) => eventually(read, done, 15_000);

  it('serves the built panel at /panel/ with a CSP that allows only Telegram’s Login Widget from outside', async () => {
    const http = request(admin.getHttpServer());
    const page = await http.get('/panel/').expect(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' https://telegram.org");
    expect(page.headers['content-security-policy']).toContain('frame-src https://oauth.telegram.org');
    expect((await http.get('/panel/users/42').expect(200)).text).toBe(page.text);
    expect((await http.get('/panel').expect(301)).headers.location).toBe('/panel/');
    expect((await http.get('/api/v1/admin/auth/options').expect(200)).body).toEqual({ botUsername: 'genbot_test_bot', devLogin: true });
  });

  it('signs in (dev path), finds a user and adjusts their credits, edits and activates a model and the Mini App shows its new price', async () => {
    const user = await createTestUser(admin, { credits: 100 });
    const paid = await someActivity(user.telegramId);
    const { context, page } = await open();
    try {
      await page.locator('main[data-page="sign-in"] form').waitFor();
      await shoot(page, '0-sign-in');
      await expectAccessible(page);
      await signIn(page, owner);
      expect(await page.getByTestId('role').textContent()).toBe('owner');

      // Dashboard: the period's totals and the four charts. Reports are cached for a minute in Redis,
      // shared with other suites: revenue or models may still be an empty period, which says so.
      await page.getByTestId('stats').waitFor();
      await eventually(
        () => page.locator('main .charts section:has(canvas, .empty-chart)').count(),
        (n) => n === 4,
      );
      expect(await page.locator('main .charts section').allInnerTexts()).toEqual([
        expect.stringContaining('New users per day'),
        expect.stringContaining('Generations per day'),
        expect.stringContaining('Revenue per day'),
        expect.stringContaining('Generations by model'),
      ]);
      expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(2);
      await shoot(page, '1-dashboard');
      await expectAccessible(page);

      // Users: search by Telegram id, open, grant 250 credits.
      await go(page, 'Users');
      await page.getByRole('searchbox').fill(user.telegramId);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator(`tr[data-user="${user.telegramId}"] a`).click();
      // 100 + 1000 bought − 5 for the second generation (the first was the model's free trial).
      await shown(
        () => page.getByTestId('balance').textContent(),
        (t) => t === '1,095',
      );
      await page.locator(`tr[data-generation="${paid}"]`).waitFor();
      await page.getByRole('region', { name: 'Payments' }).locator('tbody tr').waitFor();
      expect(await page.getByRole('region', { name: 'Generations' }).locator('tbody tr').count()).toBe(2);
      await page.getByLabel('Amount').fill('250');
      await page.getByLabel('Reason (kept in the audit log)').fill('panel e2e compensation');
      await page.getByRole('button', { name: 'Apply' }).click();
      await shown(
        () => page.getByTestId('balance').textContent(),
        (t) => t === '1,345',
      );
      expect(await page.getByRole('status').filter({ hasText: 'Granted 250 credits' }).count()).toBe(1);
      await shoot(page, '2-user');
      await expectAccessible(page);
      const balance = await request(api.getHttpServer()).get(`/api/v1/users/${user.telegramId}/balance`).set(asUser(user.telegramId)).expect(200);
      expect(balance.body.balance).toBe(1345);
      // The paid generation's 5 credits given back.
      await page.locator(`tr[data-generation="${paid}"]`).getByRole('button', { name: 'Refund' }).click();
      await page.locator(`tr[data-generation="${paid}"]`).getByText('refunded 5').waitFor();
      await shown(
        () => page.getByTestId('balance').textContent(),
        (t) => t === '1,350',
      );

      // Models: this suite's model, activated and repriced.
      await go(page, 'Models & prices');
      await page.getByRole('link', { name: 'Edit Panel test model' }).click();
      await page.getByRole('button', { name: 'Activate' }).click();
      await page.getByRole('status').filter({ hasText: 'Activated' }).waitFor();
      await page.getByLabel('Price', { exact: true }).fill('13');
      await page.getByRole('button', { name: 'Save prices' }).click();
      await page.getByRole('status').filter({ hasText: 'Prices saved' }).waitFor();
      await shown(
        () => page.locator(`tr[data-model="${slug}"] [data-testid="prices"]`).textContent(),
        (t) => t === '13 credits',
      );
      await shoot(page, '3-models');
      await expectAccessible(page);
    } finally {
      await context.close();
    }

    // The Mini App (public-api, another app with its own catalog cache) shows the new price.
    const models = (await request(api.getHttpServer()).get('/api/v1/models').expect(200)).body as { id: string; price: number }[];
    expect(models.find((m) => m.id === slug)?.price).toBe(13);
    const mini = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      // Opened as Telegram's Android client opens it (as the Mini App's own test does): a bridge, and launch parameters in the hash.
      await mini.addInitScript('window.TelegramWebviewProxy = { postEvent: () => undefined };');
      const app = await mini.newPage();
      const launch = {
        tgWebAppData: asUser(user.telegramId)['X-Telegram-Init-Data'],
        tgWebAppVersion: '8.0',
        tgWebAppPlatform: 'android',
        tgWebAppThemeParams: JSON.stringify({ bg_color: '#ffffff' }),
      };
      await app.goto(`${appUrl}#${new URLSearchParams(launch)}`);
      expect(
        await shown(
          () => app.locator(`[data-model="${slug}"] .price`).textContent(),
          (t) => t === '13 credits',
        ),
      ).toBe('13 credits');
      await app.screenshot({ path: join(SCREENSHOTS, 'panel-4-mini-app-price.png') });
    } finally {
      await mini.close();
    }
  }, 120_000);

  it('composes a broadcast with preview and live recipient count, test-sends it, starts it and watches it finish', async () => {
    const source = `panel-${randomUUID().slice(0, 8)}`;
    const users = admin.get(UsersService);
    const recipients: string[] = [];
    for (let i = 0; i < 3; i++) recipients.push((await users.register({ telegramId: String(uniqueTelegramId()), source })).user.telegramId);

    const { context, page, errors } = await open();
    try {
      await signIn(page, owner);
      await go(page, 'Broadcasts');
      await page.getByLabel(/^Message/).fill('<b>Winter sale</b> — all models <i>half price</i> today');
      expect(await page.getByTestId('preview').locator('b').textContent()).toBe('Winter sale');
      await page.getByLabel('Button text (optional)').fill('Open the bot');
      await page.getByLabel('Button URL').fill('https://t.me/genbot_test_bot');
      await page.getByLabel('Who receives it').selectOption('source');
      await page.getByLabel('Ad source').fill(source);
      await shown(
        () => page.getByTestId('recipients').textContent(),
        (t) => t === '3 recipients',
      );
      await shoot(page, '5-broadcast-compose');
      await expectAccessible(page);

      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByTestId('broadcast-status').filter({ hasText: 'draft' }).waitFor();
      await page.getByRole('button', { name: 'Send me a test' }).click();
      await page.getByRole('status').filter({ hasText: 'Sent to you in Telegram' }).waitFor();
      // (The worker may also send the owner the admins' daily report.)
      expect(
        telegram.calls('sendMessage').filter((c) => String(c.params.chat_id) === String(owner) && String(c.params.text).includes('Winter sale')),
      ).toHaveLength(1);

      await page.getByRole('button', { name: 'Start now' }).click();
      // The worker sends; the page polls until it is done.
      await page.getByTestId('broadcast-status').filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('sent').textContent()).toBe('3');
      for (const chat of recipients) expect(telegram.deliveredTo(chat)).toBe(1);
      expect(telegram.calls('sendMessage').find((c) => String(c.params.chat_id) === recipients[0])?.params).toMatchObject({
        text: '<b>Winter sale</b> — all models <i>half price</i> today',
        reply_markup: { inline_keyboard: [[{ text: 'Open the bot', url: 'https://t.me/genbot_test_bot' }]] },
      });
      await shoot(page, '6-broadcast-done');
      await expectAccessible(page);
      // A reload keeps the session (the stored refresh token is rotated for a new pair) and the page's address.
      await page.reload();
      await page.getByTestId('broadcast-status').filter({ hasText: 'completed' }).waitFor();

      // The other pages, each looked at and checked.
      for (const [section, name, ready] of [
        ['Generations', '7-generations', 'table'],
        ['Payments', '8-payments', 'table'],
        ['Settings', '9-settings', 'form.settings'],
        ['Audit log', '10-audit', 'table'],
        ['Admins', '11-admins', 'table'],
      ] as const) {
        await go(page, section);
        await page.locator(`main ${ready}`).first().waitFor();
        await shoot(page, name);
        await expectAccessible(page);
      }
      // The queue dashboard opens in a tab of its own, signed in by its cookie.
      const [queues] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: /Queue dashboard/ }).click()]);
      const queuesApi = await queues.waitForResponse((response) => response.url().includes('/admin/queues/api/queues'));
      expect(queuesApi.status()).toBe(200);
      await queues.close();

      // The audit log has this session's changes.
      await go(page, 'Audit log');
      await page.getByLabel('Action').fill('broadcast.start');
      await page.getByRole('button', { name: 'Filter' }).click();
      await eventually(
        () => page.locator('main tbody tr').count(),
        (n) => n >= 1,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows a support admin only what their role may do, in the dark theme', async () => {
    const http = request(admin.getHttpServer());
    const token = (
      await http
        .post('/api/v1/admin/auth/dev-login')
        .send({ telegramId: String(owner) })
        .expect(200)
    ).body.accessToken;
    await http
      .post('/api/v1/admin/admins')
      .set('Authorization', `Bearer ${token}`)
      .send({ telegramId: String(support), role: 'support' })
      .expect(201);
    const user = await createTestUser(admin, { credits: 10 });

    const { context, page, errors } = await open('dark');
    try {
      await signIn(page, support);
      expect(await page.getByTestId('role').textContent()).toBe('support');
      const nav = await page.getByRole('navigation', { name: 'Sections' }).locator('a, button').allTextContents();
      expect(nav).toEqual(['Dashboard', 'Users', 'Generations', 'Models & prices', 'Payments', 'Broadcasts', 'Settings']);
      expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(16, 22, 29)');
      await page.getByTestId('stats').waitFor();
      await shoot(page, '12-dashboard-dark-support');
      await expectAccessible(page);

      await page.goto(`${panelUrl}users/${user.telegramId}`);
      await shown(
        () => page.getByTestId('balance').textContent(),
        (t) => t === '10',
      );
      expect(await page.getByRole('form', { name: 'Adjust credits' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Ban' }).count()).toBe(1);
      await shoot(page, '13-user-dark-support');
      await expectAccessible(page);

      await go(page, 'Models & prices');
      await page.locator('main table').waitFor();
      expect(await page.getByRole('link', { name: /^Edit / }).count()).toBe(0);
      await go(page, 'Broadcasts');
      await page.getByRole('heading', { name: 'Recent broadcasts' }).waitFor();
      expect(await page.getByRole('form', { name: 'Compose a broadcast' }).count()).toBe(0);
      await page.goto(`${panelUrl}admins`);
      await page.getByRole('heading', { name: 'Not here' }).waitFor();

      // Signing out forgets the session (and ends it on the server): a reload finds nothing to resume.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Telegram id').waitFor();
      await page.reload();
      await page.getByLabel('Telegram id').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('in production shows Telegram’s Login Widget, not the dev sign-in, and signs in when the widget sends the browser back', async () => {
    const production = await bootstrapAdminApi(
      testConfig({
        NODE_ENV: 'production',
        BOT_TOKEN: telegram.token,
        BOT_USERNAME: 'genbot_test_bot',
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ADMIN_TELEGRAM_IDS: String(owner),
        JWT_SECRET: 'p'.repeat(40),
        FILE_URL_SECRET: 'q'.repeat(40),
        ADMIN_PANEL_DIR: panelDir,
      }),
      { port: 0 },
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const url = `http://127.0.0.1:${(production.getHttpServer().address() as { port: number }).port}/panel/`;
      const page = await context.newPage();
      // Telegram's script is answered here with an empty one: nothing is fetched from outside in a test.
      const widgetScripts: string[] = [];
      await page.route(/^https:\/\/telegram\.org\//, (route) => {
        widgetScripts.push(route.request().url());
        return route.fulfill({ contentType: 'application/javascript', body: '' });
      });
      await page.goto(url);
      await page.getByText('Sign in with the Telegram account of an administrator.').waitFor();
      const script = page.locator('.widget script');
      expect(await script.getAttribute('src')).toBe('https://telegram.org/js/telegram-widget.js?22');
      expect(await script.getAttribute('data-telegram-login')).toBe('genbot_test_bot');
      expect(await script.getAttribute('data-auth-url')).toBe(url);
      await eventually(
        async () => widgetScripts.length,
        (n) => n === 1,
      );
      expect(await page.getByLabel('Telegram id').count()).toBe(0);
      await expectAccessible(page);

      // The widget's redirect: the signed fields in the query; the panel trades them for a session and drops them from the address.
      const fields = signLoginWidget(telegram.token, { id: owner, first_name: 'Olga', username: 'olga_ops' });
      await page.goto(`${url}?${new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]))}`);
      await page.locator('main[data-page=""]').waitFor();
      expect(await page.locator('.who').textContent()).toBe('@olga_ops · owner');
      expect(page.url()).toBe(url);
    } finally {
      await context.close();
      await production.close();
    }
  }, 60_000);
});
