import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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

/**
 * Logs through pino: JSON, or pretty lines on a terminal (`logFormat`). The request id is Fastify's (see `createHttpApp`), which middie copies
 * onto the raw request, so pino-http's default id lookup finds the same value.
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
  return LoggerModule.forRoot({
    // Probes hit /health every few seconds; logging them would drown everything else. Telegram
    // posts an update per user action, thousands a second at peak: the access line (pino-http
    // runs even when info is off) cost a third of an ack's CPU; 5xx answers are still logged.
    exclude: [
      { method: RequestMethod.GET, path: 'health' },
      { method: RequestMethod.GET, path: 'health/ready' },
      { method: RequestMethod.POST, path: 'telegram/webhook' },
    ],
    pinoHttp: config.logStream ? [options, config.logStream] : logFormat(config) === 'pretty' ? [options, prettyLogStream()] : options,
  });
}
