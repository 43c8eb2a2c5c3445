/** Whose session: an operator of admin-api, or a bot user signed in to a first-party app. */
export type SubjectKind = 'admin' | 'user';

/** Telegram ids are the subjects of both kinds. */
export interface Subject {
  kind: SubjectKind;
  telegramId: string;
}

/** How the subject introduced themself at login; shown back by `me`, never used for authorization. */
export interface SubjectProfile {
  firstName?: string;
  username?: string;
}

/** What a client gets at login and at every refresh. */
export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Every refresh token descending from one login shares it; reuse of any revokes them all. */
  sessionId: string;
}

/** The claims an access token carries once verified. */
export interface AccessClaims {
  sub: string;
  kind: SubjectKind;
  sid: string;
  profile: SubjectProfile;
}

/** Seed 004: refresh tokens live 7 days. */
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** Access token lifetimes are settings bounded to 15-60 minutes (issue 11); seed 004 has 60 for apps. */
export const ACCESS_TTL_MIN_MINUTES = 15;
export const ACCESS_TTL_MAX_MINUTES = 60;

export const AUTH_SETTING_DEFAULTS = {
  admin_access_token_ttl_minutes: 15,
  user_access_token_ttl_minutes: 60,
} as const;

/** A stored value outside 15-60 (or not a number) falls back into the range rather than minting hour-long admin tokens. */
export function accessTtlSeconds(minutes: unknown, fallback: number): number {
  const value = typeof minutes === 'number' && Number.isFinite(minutes) ? Math.round(minutes) : fallback;
  return Math.min(ACCESS_TTL_MAX_MINUTES, Math.max(ACCESS_TTL_MIN_MINUTES, value)) * 60;
}
