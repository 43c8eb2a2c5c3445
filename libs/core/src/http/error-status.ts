/**
 * The one place where error codes become HTTP statuses. Libs throw `DomainError(code)`; a code
 * missing here is a bug and surfaces as a logged 500, which the e2e suites would catch.
 */
const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  AUTH_REQUIRED: 401,
  AUTH_INIT_DATA_MISSING: 401,
  AUTH_INIT_DATA_INVALID: 401,
  AUTH_INIT_DATA_EXPIRED: 401,
  AUTH_API_KEY_INVALID: 401,
  AUTH_LOGIN_INVALID: 401,
  AUTH_LOGIN_EXPIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  WEBHOOK_SECRET_INVALID: 401,
  FORBIDDEN: 403,
  USER_FORBIDDEN: 403,
  USER_BANNED: 403,
  ADMIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUSINESS_RULE: 422,
  LEDGER_INSUFFICIENT_CREDITS: 402,
  LEDGER_IDEMPOTENCY_CONFLICT: 409,
  LEDGER_ACCOUNT_NOT_FOUND: 404,
  LEDGER_HOLD_NOT_FOUND: 404,
  LEDGER_HOLD_ALREADY_RESOLVED: 409,
  LEDGER_HOLD_EXPIRED: 409,
  LEDGER_CAPTURE_EXCEEDS_HOLD: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

export function statusForCode(code: string): number | undefined {
  return STATUS_BY_CODE[code];
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
