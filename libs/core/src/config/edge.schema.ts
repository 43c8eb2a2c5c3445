import { isValid, parseCIDR } from 'ipaddr.js';
import { z } from 'zod';

/** `https://app.example.com,http://localhost:5173`: origins only (no path, no `*`), normalised. */
export const origins = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const list: string[] = [];
    for (const item of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const origin = originOf(item);
      if (!origin || origin !== item.replace(/\/$/, '')) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: 'must be origins like https://app.example.com (scheme, host and port only), separated by commas',
        });
        return z.NEVER;
      }
      list.push(origin);
    }
    return list;
  });

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

// proxy-addr's names for well-known ranges, which Fastify understands as they are.
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Whose X-Forwarded-For to believe: nobody (default), the nearest N hops, or proxies at these
 * addresses. `true` is refused: it would let any client choose its own IP and dodge per-IP limits.
 */
export const trustProxy = z
  .string()
  .optional()
  .transform((raw, ctx): false | number | string[] => {
    const value = raw?.trim().toLowerCase();
    if (value === undefined || value === 'none' || value === 'false' || value === '0') return false;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const list = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > 0 && list.every((item) => RANGE_NAMES.has(item) || isAddressOrRange(item))) return list;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a hop count or IP addresses / CIDR ranges separated by commas (or "none")' });
    return z.NEVER;
  });

function isAddressOrRange(item: string): boolean {
  if (!item.includes('/')) return isValid(item);
  try {
    parseCIDR(item);
    return true;
  } catch {
    return false;
  }
}

const perSecond = (fallback: number) =>
  z.coerce.number({ invalid_type_error: 'must be a number of requests per second (0 turns the limit off)' }).min(0).max(100_000).default(fallback);
const burst = (fallback: number) =>
  z.coerce.number({ invalid_type_error: 'must be a whole number of requests, at least 1' }).int().min(1).max(100_000).default(fallback);

/** HTTP edge: cross-origin callers, proxies in front, global rate limits. */
export const edgeEnv = {
  /** Origins allowed to call public-api from a browser; default: MINI_APP_URL's origin. */
  CORS_ORIGINS: origins,
  /** Origins allowed to call admin-api from a browser; default none (the panel is served by admin-api itself). */
  ADMIN_CORS_ORIGINS: origins,
  TRUST_PROXY: trustProxy,
  /** Per authenticated caller (Mini App user, service key, admin): sustained rate and burst. */
  RATE_LIMIT_RPS: perSecond(10),
  RATE_LIMIT_BURST: burst(30),
  /** Per client IP, for calls that carry no credentials (login, signed file URLs, docs). */
  RATE_LIMIT_IP_RPS: perSecond(10),
  RATE_LIMIT_IP_BURST: burst(50),
};
