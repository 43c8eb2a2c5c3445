import { channel } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { OpenApiContract } from './openapi-contract';

export interface ContractViolation {
  /** `METHOD /route/:template`, for grouping */
  route: string;
  request: string;
  status: number;
  problems: string[];
  body: string;
}

/**
 * Watches every Fastify app a test process starts and checks each response to a route of the
 * contract. Fastify announces each new instance on the `fastify.initialization` diagnostics
 * channel, before any route or hook exists, so production's bootstrap needs no test hook of
 * its own and no response can slip past.
 */
export class ContractRecorder {
  readonly violations: ContractViolation[] = [];
  /** Responses checked: proof that the check saw the traffic, not just that it found nothing. */
  checked = 0;
  private readonly announcements = channel('fastify.initialization');
  private readonly onInstance = (message: unknown) => this.attach((message as { fastify: FastifyInstance }).fastify);

  constructor(readonly contract: OpenApiContract) {}

  start(): this {
    this.announcements.subscribe(this.onInstance);
    return this;
  }

  /** The channel is process-wide and outlives a test file: unsubscribe when the file ends. */
  stop(): void {
    this.announcements.unsubscribe(this.onInstance);
  }

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onSend', async (request, reply, payload) => {
      const route = request.routeOptions.url;
      if (request.method === 'HEAD' || !route || !this.contract.covers(request.method, route)) return payload;
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      const contentType = String(reply.getHeader('content-type') ?? '');
      const problems =
        body === undefined
          ? ['the body is a stream, not JSON']
          : this.contract.check({ method: request.method, route, status: reply.statusCode, contentType, body });
      this.checked++;
      if (problems?.length)
        this.violations.push({
          route: `${request.method} ${route}`,
          request: `${request.method} ${request.url}`,
          status: reply.statusCode,
          problems,
          body: (body ?? '').slice(0, 500),
        });
      return payload;
    });
  }

  /** A failure message listing each kind of breach once (with a count and one example), or undefined. */
  report(name: string): string | undefined {
    if (this.violations.length === 0) return undefined;
    const groups = new Map<string, ContractViolation[]>();
    for (const v of this.violations) {
      const key = `${v.route} → ${v.status}\n${v.problems.map((p) => `      ${p}`).join('\n')}`;
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    const lines = [...groups].map(
      ([key, [first, ...rest]]) => `  ${key}\n      e.g. ${first.request}${rest.length ? ` (and ${rest.length} more)` : ''}: ${first.body}`,
    );
    return `${this.violations.length} response(s) broke ${name}:\n${lines.join('\n')}`;
  }
}
