import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, InjectRedis, SettingsService, persistentSecret } from '@genbot/core';
import { refreshInvalid, refreshReused, tokenInvalid } from '../domain/auth.errors';
import {
  ACCESS_TTL_MAX_MINUTES,
  AUTH_SETTING_DEFAULTS,
  AccessClaims,
  IssuedSession,
  REFRESH_TOKEN_TTL_SECONDS,
  Subject,
  SubjectKind,
  SubjectProfile,
  accessTtlSeconds,
} from '../domain/session';
import { RefreshTokenRepository } from '../infrastructure/refresh-token.repository';

/**
 * Pinned per kind rather than trusted from the token: the algorithm (never `none`), who issued it
 * and whom it is for, so an app user's token is no key to admin-api and the reverse.
 */
const AUDIENCES: Record<SubjectKind, { issuer: string; audience: string }> = {
  admin: { issuer: 'genbot-admin', audience: 'genbot-admin-api' },
  user: { issuer: 'genbot', audience: 'genbot-public-api' },
};

const REFRESH_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** An ended session's access tokens are refused until the longest of them has expired anyway. */
const REVOKED_SESSION_TTL_SECONDS = ACCESS_TTL_MAX_MINUTES * 60;

/**
 * Sessions after seed 004's JWT scheme: a short-lived access JWT and an opaque 7-day refresh token,
 * rotated on every use. A refresh token presented a second time means two parties hold it (the
 * client and a thief): the whole session (every token descended from that login) ends, and so
 * do its access tokens, whichever of the two presented it.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly jwt: JwtService;

  constructor(
    private readonly repository: RefreshTokenRepository,
    private readonly settings: SettingsService,
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.jwt = new JwtService({ secret: persistentSecret(config, config.env.JWT_SECRET, 'JWT_SECRET', (line) => this.logger.warn(line)) });
  }

  /** A new session (a login). */
  issue(subject: Subject, profile: SubjectProfile = {}): Promise<IssuedSession> {
    return this.repository.transaction((em) => this.mint(subject, profile, randomUUID(), null, em));
  }

  /**
   * Trades a live refresh token for a new pair; the old token dies. `authorize` runs before the new
   * pair is minted (an admin removed since login is refused here, and the token is left as it was).
   */
  async rotate(
    refreshToken: string,
    kind: SubjectKind,
    authorize?: (subject: Subject) => Promise<void>,
  ): Promise<{ subject: Subject; profile: SubjectProfile; session: IssuedSession }> {
    const hash = hashOf(refreshToken);
    const outcome = await this.repository.transaction(async (em) => {
      const used = await this.repository.consume(hash, em);
      if (!used) return { dead: await this.repository.findByHash(hash, em) };
      if (used.subjectKind !== kind) throw refreshInvalid();
      const subject: Subject = { kind, telegramId: used.subjectId };
      await authorize?.(subject);
      return { subject, profile: used.profile, session: await this.mint(subject, used.profile, used.familyId, used.id, em) };
    });
    if (outcome.session) return { subject: outcome.subject, profile: outcome.profile, session: outcome.session };
    // Committed apart from the attempt: the revocation must stand although the request fails.
    // A token already rotated is a copy coming back; one ended by logout or removal is merely stale.
    const dead = outcome.dead;
    if (dead?.subjectKind === kind && (dead.revokedReason === 'rotated' || dead.revokedReason === 'reused')) {
      await this.endSessions([dead.familyId], 'reused');
      throw refreshReused();
    }
    throw refreshInvalid();
  }

  /** Logout: ends the session the refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
  async revoke(refreshToken: string, kind: SubjectKind): Promise<void> {
    if (!REFRESH_TOKEN_FORMAT.test(refreshToken)) return;
    const row = await this.repository.findByHash(hashOf(refreshToken));
    if (row && row.subjectKind === kind) await this.endSessions([row.familyId], 'logout');
  }

  /** Ends every session of a subject at once (an admin removed or demoted). */
  async revokeSubject(subject: Subject, reason: string, em?: EntityManager): Promise<void> {
    const families = await this.repository.revokeSubject(subject.kind, subject.telegramId, reason, em);
    await this.markEnded(families);
  }

  /** The claims of a valid, unexpired access token of `kind` whose session has not ended; else AUTH_TOKEN_INVALID. */
  async verifyAccess(token: string, kind: SubjectKind): Promise<AccessClaims> {
    let claims: Partial<AccessClaims> & { exp?: unknown; iat?: unknown; name?: unknown; username?: unknown };
    try {
      claims = await this.jwt.verifyAsync(token, { algorithms: ['HS256'], ...AUDIENCES[kind] });
    } catch {
      throw tokenInvalid();
    }
    if (claims.kind !== kind || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw tokenInvalid();
    // jsonwebtoken accepts a token without exp as valid forever; ours always expire, and never later than the settings allow.
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > ACCESS_TTL_MAX_MINUTES * 60) throw tokenInvalid();
    if (await this.redis.exists(revokedKey(claims.sid))) throw tokenInvalid();
    const profile: SubjectProfile = {
      ...(typeof claims.name === 'string' ? { firstName: claims.name } : {}),
      ...(typeof claims.username === 'string' ? { username: claims.username } : {}),
    };
    return { sub: claims.sub, kind, sid: claims.sid, profile };
  }

  private async mint(subject: Subject, profile: SubjectProfile, familyId: string, parentId: string | null, em: EntityManager): Promise<IssuedSession> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repository.insert(
      {
        id: randomUUID(),
        familyId,
        parentId,
        subjectKind: subject.kind,
        subjectId: subject.telegramId,
        profile,
        hash: hashOf(refreshToken),
        ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
      },
      em,
    );
    const expiresIn = accessTtlSeconds(
      await this.settings.get(`${subject.kind}_access_token_ttl_minutes`),
      AUTH_SETTING_DEFAULTS[`${subject.kind}_access_token_ttl_minutes`],
    );
    const accessToken = await this.jwt.signAsync(
      { sub: subject.telegramId, kind: subject.kind, sid: familyId, name: profile.firstName, username: profile.username },
      { algorithm: 'HS256', expiresIn, ...AUDIENCES[subject.kind] },
    );
    return { accessToken, refreshToken, expiresIn, sessionId: familyId };
  }

  private async endSessions(familyIds: string[], reason: string): Promise<void> {
    for (const familyId of familyIds) await this.repository.revokeFamily(familyId, reason);
    await this.markEnded(familyIds);
  }

  private async markEnded(familyIds: string[]): Promise<void> {
    if (!familyIds.length) return;
    const multi = this.redis.multi();
    for (const familyId of familyIds) multi.set(revokedKey(familyId), '1', 'EX', REVOKED_SESSION_TTL_SECONDS);
    await multi.exec();
  }
}

function hashOf(refreshToken: string): Buffer {
  if (!REFRESH_TOKEN_FORMAT.test(refreshToken)) throw refreshInvalid();
  return createHash('sha256').update(refreshToken).digest();
}

function revokedKey(familyId: string): string {
  return `auth:session-ended:${familyId}`;
}
