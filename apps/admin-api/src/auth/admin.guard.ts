import { CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminRole, AuditActor, adminRoleTooLow, roleAtLeast } from '@genbot/admin';
import { DomainError, setPrincipal } from '@genbot/core';
import { AdminAuthService, AdminPrincipal } from './admin-auth.service';

const ADMIN = Symbol('genbot.admin');
const REQUIRED_ROLE = 'genbot:admin-role';

/** The admin calling, with what the audit log records about the request. */
export type CurrentAdminContext = AdminPrincipal & AuditActor;

/**
 * `Authorization: Bearer <access token>` from POST /api/v1/admin/auth/login, held by an admin
 * with `role` or a higher one (support < admin < owner). Lower roles get 403 ADMIN_ROLE_FORBIDDEN.
 */
export function AdminRoleRequired(role: AdminRole) {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    UseGuards(AdminGuard),
    ApiBearerAuth('bearer'),
    ApiForbiddenResponse({ description: `Needs the ${role} role or higher` }),
  );
}

/** Any admin (support or higher). */
export function AdminOnly() {
  return AdminRoleRequired('support');
}

export const CurrentAdmin = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => (ctx.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, CurrentAdminContext>)[ADMIN],
);

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<AdminRole | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]) ?? 'owner';
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new DomainError('AUTH_REQUIRED', 'Authentication required: send Authorization: Bearer <token>');
    const admin = await this.auth.authenticate(token);
    setPrincipal(request, { kind: 'admin', name: `admin:${admin.telegramId}`, telegramId: admin.telegramId });
    if (!roleAtLeast(admin.role, required)) throw adminRoleTooLow(required, admin.role);
    (request as unknown as Record<symbol, CurrentAdminContext>)[ADMIN] = { ...admin, requestId: String(request.id), ip: request.ip };
    return true;
  }
}
