/**
 * Error codes → HTTP statuses. Libs throw `DomainError(code)`; each lib exports its own map
 * (`LEDGER_ERROR_STATUSES` …), each app's bootstrap hands `createHttpApp` the maps of the libs it
 * serves, and core only combines them. Core lists the generic codes no one lib owns. A code missing
 * from the combined map is a bug and surfaces as a logged 500, which the e2e suites would catch.
 */
export type ErrorStatusMap = Readonly<Record<string, number>>;

export const CORE_ERROR_STATUSES: ErrorStatusMap = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  // Telegram auth (init data, Login Widget) and API keys: every app checks some credential.
  AUTH_REQUIRED: 401,
  AUTH_INIT_DATA_MISSING: 401,
  AUTH_INIT_DATA_INVALID: 401,
  AUTH_INIT_DATA_EXPIRED: 401,
  AUTH_API_KEY_INVALID: 401,
  AUTH_LOGIN_INVALID: 401,
  AUTH_LOGIN_EXPIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  // Core's idempotency interceptor throws these.
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUSINESS_RULE: 422,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** Thrown at boot when two maps give one code different statuses: which one a client gets must not depend on order. */
export class ErrorStatusConflict extends Error {}

/** Core's generic codes plus the given maps, as one lookup. A code listed twice must agree. */
export function combineErrorStatuses(...maps: ErrorStatusMap[]): ReadonlyMap<string, number> {
  const combined = new Map<string, number>();
  for (const map of [CORE_ERROR_STATUSES, ...maps]) {
    for (const [code, status] of Object.entries(map)) {
      const existing = combined.get(code);
      if (existing !== undefined && existing !== status) throw new ErrorStatusConflict(`Error code ${code} is mapped to both ${existing} and ${status}`);
      combined.set(code, status);
    }
  }
  return combined;
}

/** For errors raised by the framework (routing, body parsing) that carry a status but no code. */
export function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'AUTH_REQUIRED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
    503: 'SERVICE_UNAVAILABLE',
  };
  return codes[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}
