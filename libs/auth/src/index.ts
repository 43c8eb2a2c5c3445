/** Sessions for admins and first-party apps' users: access JWTs and rotating refresh tokens with reuse detection. */
export * from './auth.module';
export * from './application/token.service';
export * from './domain/session';
export * from './domain/auth.errors';
