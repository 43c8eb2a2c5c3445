import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig, serveWebApp } from '@genbot/core';
import { LocalBotApi } from './bot-api/local-bot-api';
import { registerSandboxRoutes } from './sandbox/sandbox-routes';
import { SandboxUsers } from './sandbox/sandbox-users';

export interface Sandbox {
  /** The config the apps run with: the bot's token and Bot API root are the stand-in's. */
  config: AppConfig;
  /** The Bot API stand-in itself. */
  api: LocalBotApi;
  /** Mounts the page and its API on the bot app (its `beforeListen`). */
  mount(nest: NestFastifyApplication): Promise<void>;
  /** Where a browser on this machine opens the page. */
  url: string;
  stop(): Promise<void>;
}

/** Long polls answer at this latest, as Telegram's do (a client asking for more gets less). */
const LONG_POLL_MS = 25_000;

/**
 * `npm start` with no BOT_TOKEN: a local Bot API in this process, a generated bot token (kept in
 * DATA_DIR so that the bot, its users and their balances stay the same across restarts) and the
 * bot pointed at it with long polling. The sandbox page on the bot app is the users' Telegram.
 */
export async function startSandbox(config: AppConfig, log: (line: string) => void = () => undefined): Promise<Sandbox> {
  const dir = resolve(config.env.DATA_DIR, 'sandbox');
  const token = botToken(join(dir, 'bot-token'));
  const api = await LocalBotApi.start({
    token,
    botUsername: config.env.BOT_USERNAME ?? 'genbot_sandbox_bot',
    botName: 'genbot sandbox',
    maxLongPollMs: LONG_POLL_MS,
    maxRecordedCalls: 1000,
    // The bot remembers handled update ids for a day; a restarted stand-in must not hand out old ones.
    firstUpdateId: Math.floor(Date.now() / 1000),
  });
  const users = new SandboxUsers(join(dir, 'users.json'));
  const publicApiPort = config.port('public-api');
  const miniApp = config.env.MINI_APP_URL ? { url: config.env.MINI_APP_URL } : { port: publicApiPort, path: '/app/' };
  let routes: { close(): void } | undefined;
  const url = `http://localhost:${config.port('bot')}/sandbox/`;
  log(`BOT_TOKEN not set: running the sandbox (a local Telegram Bot API at ${api.apiRoot}; bot token in ${join(dir, 'bot-token')})`);
  return {
    config: config.with({ BOT_TOKEN: token, BOT_USERNAME: api.botUsername, TELEGRAM_API_ROOT: api.apiRoot, BOT_MODE: 'polling' }),
    api,
    url,
    mount: async (nest) => {
      routes = registerSandboxRoutes(nest.getHttpAdapter().getInstance(), { api, users, miniApp, maxUploadBytes: config.env.UPLOAD_MAX_BYTES });
      const served = await serveWebApp(nest, { prefix: '/sandbox/', root: config.env.SANDBOX_DIR, allow: { frames: ["'self'", 'http:', 'https:'] } });
      if (!served) log(`No sandbox page built in ${config.env.SANDBOX_DIR}: run \`npm run build\` (npm start does) to get ${url}`);
    },
    stop: async () => {
      routes?.close();
      await api.close();
    },
  };
}

/** The sandbox bot's token: made once (a bot id and a secret, as @BotFather's look) and kept. */
function botToken(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${randomInt(7_000_000_000, 7_999_999_999)}:AA${randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
