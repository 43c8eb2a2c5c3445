/** Storage's error codes as HTTP statuses, for `createHttpApp`. */
export const STORAGE_ERROR_STATUSES: Readonly<Record<string, number>> = {
  STORAGE_TOO_LARGE: 413,
  STORAGE_UNSUPPORTED_TYPE: 415,
  STORAGE_NOT_FOUND: 404,
  STORAGE_KEY_INVALID: 400,
  STORAGE_URL_EXPIRED: 403,
  STORAGE_URL_INVALID: 403,
  STORAGE_FETCH_FAILED: 400,
};
