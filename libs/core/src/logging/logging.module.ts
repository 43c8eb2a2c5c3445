import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import pretty from 'pino-pretty';
import pino from 'pino';
import { AppConfig, AppName } from '../config/app-config';
import { redactUrl } from './redact';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A client's X-Request-ID is kept when it is a sane token, otherwise we mint one. */
export function requestIdFrom(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Seed 002's rule: JSON for machines (production, containers, pipes, files), one readable line
 * per entry for a person watching a terminal. A stream given by the caller (tests) always gets JSON.
 */
export function logFormat(config: AppConfig, stdoutIsTerminal = process.stdout.isTTY === true): 'json' | 'pretty' {
  return !config.logStream && !config.isProduction && stdoutIsTerminal ? 'pretty' : 'json';
}

/** One colourised line per entry (`[12:00:01.123] INFO: public-api: request completed {…}`), written synchronously. */
export function prettyLogStream(destination: NodeJS.WritableStream | number = 1): NodeJS.WritableStream {
  return pretty({
    singleLine: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app',
    messageFormat: '{app}: {msg}',
    sync: true,
    destination,
  });
}

/** The access logger (pino-http) the HTTP apps hook into Fastify (`registerAccessLog`). */
export const ACCESS_LOG = Symbol('ACCESS_LOG');

/**
 * Logs through pino: JSON, or pretty lines on a terminal (`logFormat`). The access line's request
 * id is Fastify's (see `createHttpApp` and `registerAccessLog`).
 */
export function loggingModule(config: AppConfig, app: AppName) {
  const options = {
    level: config.env.LOG_LEVEL,
    base: { app: config.processLabel ?? app },
    // Headers are not logged at all (see serializers); these paths guard any log that adds them.
    redact: [
      'req.headers.authorization',
      'req.headers["x-api-key"]',
      'req.headers["x-telegram-init-data"]',
      'req.headers["x-telegram-bot-api-secret-token"]',
      'req.headers.cookie',
    ],
    // Undefined rather than {} when there is no caller yet (always so when the request starts):
    // pino-http makes a child logger per request for any object, empty or not.
    // (pino-http's types say object; its code tests the value for truth.)
    customProps: ((req: IncomingMessage) => {
      const principal = (req as IncomingMessage & { principalName?: string }).principalName;
      return principal ? { principal } : undefined;
    }) as (req: IncomingMessage) => object,
    // The access line is written at info: at a quieter level it never prints, so pino-http need
    // not watch every response for it. (Errors are logged by the error filter, with the request id.)
    autoLogging: pino.levels.values[config.env.LOG_LEVEL] === undefined || pino.levels.values[config.env.LOG_LEVEL] <= pino.levels.values.info,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      // Response headers would carry a presigned Location; the status is what an access log needs.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    formatters: {
      // Other loggers (the error filter) put the URL at the top level of their line.
      log: (object: Record<string, unknown>) => (typeof object.url === 'string' ? { ...object, url: redactUrl(object.url) } : object),
    },
  };
  const httpLogger = config.logStream
    ? pinoHttp(options, config.logStream)
    : logFormat(config) === 'pretty'
      ? pinoHttp(options, prettyLogStream())
      : pinoHttp(options);
  return {
    // Nest's Logger writes through the same pino. nestjs-pino binds no middleware (no routes): its
    // middleware runs every request inside an AsyncLocalStorage, which turns on Node's promise
    // hooks for the whole process: a third of a cached Mini App read's CPU (bench/api/README.md).
    // Service lines go without the request id; the access line and the error filter's carry it.
    module: LoggerModule.forRoot({ pinoHttp: { logger: httpLogger.logger }, useExisting: true, forRoutes: [] }),
    accessLog: httpLogger,
  };
}

/** Requests with no access line: probes hit /health every few seconds, and Telegram posts an update per user action, thousands a second at peak (the line cost a third of an ack's CPU); 5xx answers are still logged by the error filter. */
const UNLOGGED = new Set(['GET /health', 'GET /health/ready', 'POST /telegram/webhook']);

/** Writes pino-http's access line for every request but the unlogged ones, from Fastify's own hook (no middleware layer). */
export function registerAccessLog(fastify: FastifyInstance, accessLog: HttpLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!UNLOGGED.has(`${request.method} ${request.url.split('?', 1)[0]}`)) {
      // pino-http names the line by the raw request's id: Fastify's, so it matches X-Request-ID.
      (request.raw as IncomingMessage & { id?: string }).id = request.id;
      accessLog(request.raw, reply.raw);
    }
    done();
  });
}
