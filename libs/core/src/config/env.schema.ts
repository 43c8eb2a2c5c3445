import { isValid, parseCIDR } from 'ipaddr.js';
import { z } from 'zod';
import { edgeEnv } from './edge.schema';

const port = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a port number 1-65535' })
    .int('must be a port number 1-65535')
    .min(1, 'must be a port number 1-65535')
    .max(65535, 'must be a port number 1-65535')
    .default(fallback);
const optionalUrl = z.string().url().optional();
const optionalText = z.string().min(1).optional();

/** `name:key,name:key`: each service client has a name for the logs and a key of 16+ chars. */
const serviceApiKeys = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const keys: { name: string; key: string }[] = [];
    for (const item of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const at = item.indexOf(':');
      const name = item.slice(0, at);
      const key = item.slice(at + 1);
      // Names go into ledger idempotency keys (varchar 255) and logs: keep them short.
      if (at <= 0 || !/^[\w.-]{1,32}$/.test(name) || key.length < 16) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be name:key pairs separated by commas, names of 1-32 characters, keys of at least 16' });
        return z.NEVER;
      }
      keys.push({ name, key });
    }
    return keys;
  });

const telegramIds = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const ids = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.some((id) => !/^\d{1,20}$/.test(id))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be Telegram user ids separated by commas' });
      return z.NEVER;
    }
    return ids;
  });

/**
 * Host names (or IP literals) that client-given URLs may reach over plain http and at private
 * or loopback addresses: a developer's image server, the tests' loopback fakes. Never in
 * production: each entry is an SSRF exemption.
 */
const downloadAllowHttpHosts = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const hosts = raw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (hosts.some((host) => !/^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[?[0-9a-f:.]+\]?)$/.test(host))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be host names or IP addresses separated by commas (no scheme, port or path)' });
      return z.NEVER;
    }
    return hosts;
  });

/**
 * Source addresses a payment gateway's notifications may come from: IPs and CIDR ranges separated
 * by commas; empty means no check (a deployment behind a proxy must set TRUST_PROXY for it to work).
 */
const addressList = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const list = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const valid = (item: string) => {
      if (!item.includes('/')) return isValid(item);
      try {
        parseCIDR(item);
        return true;
      } catch {
        return false;
      }
    };
    if (!list.every(valid)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be IP addresses or CIDR ranges separated by commas' });
      return z.NEVER;
    }
    return list;
  });

/**
 * Every variable genbot reads. Provider and payment keys are declared here already so that one
 * schema is the whole truth; the libs that use them validate presence when they start.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('.data'),
  /** The built Mini App (`npm run build` writes it there); public-api serves it at /app/ when it exists. */
  WEBAPP_DIR: z.string().default('dist/webapp'),
  /** The built admin panel; admin-api serves it at /panel/ when it exists. */
  ADMIN_PANEL_DIR: z.string().default('dist/admin-panel'),
  /** The built sandbox chat page; the bot app serves it at /sandbox/ when `npm start` runs with no BOT_TOKEN. */
  SANDBOX_DIR: z.string().default('dist/sandbox'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),

  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC… (from @BotFather)')
    .optional(),
  BOT_USERNAME: z
    .string()
    .regex(/^\w{3,64}$/, 'must be the bot username without @')
    .optional(),
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  BOT_MODE: z.enum(['webhook', 'polling']).optional(),
  BOT_WEBHOOK_URL: optionalUrl,
  /**
   * What a bot process does with updates: `all` takes them (webhook or polling) and handles them;
   * `ingest` only takes and queues them; `handle` only handles the queue, at a lower CPU priority.
   * Split, the acks never wait behind handler work nor its garbage collection.
   */
  BOT_ROLE: z.enum(['all', 'ingest', 'handle']).default('all'),
  /** How many chats one bot process handles at once (each chat's updates strictly in order). */
  BOT_UPDATE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** A queued chat whose processor has been silent this long is taken over (the processor presumed dead). */
  BOT_UPDATE_RECLAIM_MS: z.coerce.number().int().min(200).default(30_000),
  MINI_APP_URL: optionalUrl,
  PUBLIC_BASE_URL: optionalUrl,
  INIT_DATA_MAX_AGE_SECONDS: z.coerce.number().int().min(60).default(86_400),

  PUBLIC_API_PORT: port(3000),
  ADMIN_API_PORT: port(3001),
  BOT_PORT: port(3002),
  WORKER_PORT: port(3003),

  SERVICE_API_KEYS: serviceApiKeys,
  ADMIN_TELEGRAM_IDS: telegramIds,
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** When set, GET /metrics on every app answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

  /** Signs the expiring URLs of files kept on local disk (generated under DATA_DIR outside production). */
  FILE_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  /** Most credits one ledger transfer may move; with the accounts' 9e15 counter bound no counter can overflow. */
  LEDGER_MAX_TRANSFER_CREDITS: z.coerce.number().int().min(1).max(1e15, 'must be at most 1e15').default(1e12),
  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default('auto'),
  S3_BUCKET: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_PUBLIC_BASE_URL: optionalUrl,

  WAVESPEED_API_KEY: optionalText,
  WAVESPEED_BASE_URL: z.string().url().default('https://api.wavespeed.ai'),
  FAL_KEY: optionalText,
  FAL_BASE_URL: z.string().url().default('https://queue.fal.run'),
  ELEVENLABS_API_KEY: optionalText,
  ELEVENLABS_BASE_URL: z.string().url().default('https://api.elevenlabs.io'),
  GEMINI_API_KEYS: z
    .string()
    .default('')
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  GEMINI_BASE_URL: z.string().url().default('https://generativelanguage.googleapis.com'),

  YOOKASSA_SHOP_ID: optionalText,
  YOOKASSA_SECRET_KEY: optionalText,
  YOOKASSA_BASE_URL: z.string().url().default('https://api.yookassa.ru'),
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_BASE_URL: z.string().url().default('https://api.stripe.com'),
  /** YooKassa publishes its notification ranges; see the README's Configuration table. */
  YOOKASSA_ALLOWED_IPS: addressList,
  /** Deadline of one call to a payment gateway; past it the call fails as PAYMENT_PROVIDER_UNAVAILABLE. */
  PAYMENT_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Where a card payer lands after paying or giving up; MINI_APP_URL, else the bot's t.me link, when unset. */
  PAYMENT_RETURN_URL: optionalUrl,

  ...edgeEnv,
  /** Fetching URLs clients give (image_urls, jobs' url inputs): see SafeDownloader. */
  DOWNLOAD_ALLOW_HTTP_HOSTS: downloadAllowHttpHosts,
  DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  DOWNLOAD_MIN_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .default(16 * 1024),
});

export type Env = z.infer<typeof envSchema>;
