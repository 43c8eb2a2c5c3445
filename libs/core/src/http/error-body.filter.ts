import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorStatusMap, codeForStatus, combineErrorStatuses } from './error-status';

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Every HTTP error leaves as `{code, message, details?}`. Domain errors map by code, framework
 * errors (unknown route, malformed JSON, oversize body, throttling) by status, and anything else
 * is a logged 500 that names only the request id.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');
  private readonly statuses: ReadonlyMap<string, number>;

  /** `statuses`: the error-code maps of the libs this app serves (core's generic codes are always in). */
  constructor(statuses: ErrorStatusMap[] = []) {
    this.statuses = combineErrorStatuses(...statuses);
  }

  /** The status a domain error code gets in this app, or undefined when nobody mapped it (a 500). */
  statusForCode(code: string): number | undefined {
    return this.statuses.get(code);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    // A global filter also wraps the bot's handlers (nestjs-telegraf's context is no HTTP request):
    // there the error goes on to the bot's own error path as it was thrown.
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = this.toResponse(error, String(request.id));
    // A 500 is our bug and gets the stack; a mapped 503 (a provider away) is news, not a defect.
    if (status === 500) this.logger.error({ err: error, requestId: request.id, url: request.url }, body.message);
    else if (status > 500) this.logger.warn({ code: body.code, requestId: request.id, url: request.url }, body.message);
    // A guard that already set Retry-After (the throttler does) knows better than a default.
    for (const [name, value] of Object.entries(headers)) if (!reply.hasHeader(name)) void reply.header(name, value);
    // Refused before its body was read (an early 413, a broken multipart): the rest of that body
    // would keep the connection busy, and a graceful shutdown waits on busy connections forever.
    if (!request.raw.complete) void reply.header('connection', 'close');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(error: unknown, requestId: string): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (error instanceof DomainError) {
      const status = this.statusForCode(error.code);
      if (status !== undefined) {
        const headers: Record<string, string> = {};
        const retryAfter = error.details?.retryAfterSeconds;
        if (status === 429 || status === 503) if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
        return { status, body: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }, headers };
      }
    } else if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      const headers: Record<string, string> = {};
      if (status === 429) headers['retry-after'] = String(retryAfterOf(error) ?? 60);
      if (status < 500) return { status, body: { code: codeForStatus(status), message: status === 404 ? 'Route not found' : message }, headers };
    } else if (isFrameworkError(error) && error.statusCode < 500) {
      return { status: error.statusCode, body: { code: codeForStatus(error.statusCode), message: error.message }, headers: {} };
    }
    return { status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal error', details: { requestId } }, headers: {} };
  }
}

function isFrameworkError(error: unknown): error is Error & { statusCode: number } {
  return error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

function retryAfterOf(error: HttpException): number | undefined {
  const value = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' ? Math.ceil(value) : undefined;
}
