/** Users' error codes as HTTP statuses, for `createHttpApp`. */
export const USERS_ERROR_STATUSES: Readonly<Record<string, number>> = {
  USER_NOT_FOUND: 404,
  USER_BANNED: 403,
  // A signed-in user acting on another user's behalf.
  USER_FORBIDDEN: 403,
};
