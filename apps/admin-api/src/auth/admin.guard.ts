import { CanActivate, ExecutionContext, Injectable, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError, setPrincipal } from '@genbot/core';
import { AdminAuthService, AdminClaims } from './admin-auth.service';

const CLAIMS = Symbol('genbot.adminClaims');

/** `Authorization: Bearer <jwt>` from POST /api/v1/admin/auth/login. */
export function AdminOnly() {
  return applyDecorators(UseGuards(AdminGuard), ApiBearerAuth('bearer'));
}

export const CurrentAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => (ctx.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, AdminClaims>)[CLAIMS],
);

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly auth: AdminAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new DomainError('AUTH_REQUIRED', 'Authentication required: send Authorization: Bearer <token>');
    const claims = await this.auth.verify(token);
    this.auth.assertAllowed(claims.sub);
    (request as unknown as Record<symbol, AdminClaims>)[CLAIMS] = claims;
    setPrincipal(request, { kind: 'admin', name: `admin:${claims.sub}`, telegramId: claims.sub });
    return true;
  }
}
