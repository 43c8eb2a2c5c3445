/** The broadcasts lib's codes and their HTTP statuses; each app's bootstrap hands the map to `createHttpApp`. */
export const BROADCASTS_ERROR_STATUSES: Readonly<Record<string, number>> = {
  BROADCAST_INVALID: 400,
  BROADCAST_NOT_FOUND: 404,
  /** Start of one already running or over, cancel of one already over. */
  BROADCAST_WRONG_STATUS: 409,
  BROADCAST_TELEGRAM_UNAVAILABLE: 503,
};
