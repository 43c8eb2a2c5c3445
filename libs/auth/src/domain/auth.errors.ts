import { DomainError } from '@genbot/core';

export const tokenInvalid = () => new DomainError('AUTH_TOKEN_INVALID', 'Invalid or expired token');
export const refreshInvalid = () => new DomainError('AUTH_REFRESH_INVALID', 'Invalid or expired refresh token: log in again');
/** A refresh token that was already rotated came back: someone holds a copy, so the whole session is ended. */
export const refreshReused = () =>
  new DomainError('AUTH_REFRESH_REUSED', 'This refresh token was already used; the session has been revoked for safety: log in again');

/** Sessions' error codes as HTTP statuses, for `createHttpApp`. */
export const AUTH_ERROR_STATUSES: Readonly<Record<string, number>> = {
  AUTH_REFRESH_INVALID: 401,
  AUTH_REFRESH_REUSED: 401,
};
