import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Seed 003's bot sends its key as `api-key`; AuthGuard reads X-API-Key, so the alias is copied over
 * first (X-API-Key wins when both are sent). Used at class level, ahead of the methods' @Auth.
 */
@Injectable()
export class ApiKeyHeaderAlias implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<FastifyRequest>().headers;
    if (headers['x-api-key'] === undefined && headers['api-key'] !== undefined) headers['x-api-key'] = headers['api-key'];
    return true;
  }
}
