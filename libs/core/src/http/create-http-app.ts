import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import multipart from '@fastify/multipart';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, AppName } from '../config/app-config';
import { ACCESS_LOG, registerAccessLog, requestIdFrom } from '../logging/logging.module';
import { Metrics } from '../metrics/metrics';
import { registerMetricsRoutes } from '../metrics/metrics-http';
import { registerCors } from './cors';
import { ErrorBodyFilter } from './error-body.filter';
import type { ErrorStatusMap } from './error-status';
import { parseJsonBody } from './json-body';
import { createValidationPipe } from './validation.pipe';
import { WebAppMount, serveWebApp } from './web-app';

export interface HttpAppOptions {
  /** Port to listen on; 0 picks a free one (tests). Omit to use the app's configured port. */
  port?: number;
  /** OpenAPI document served at /docs (UI) and /docs-json. */
  docs?: { title: string; description: string; auth: ('api-key' | 'init-data' | 'bearer')[] };
  bodyLimitBytes?: number;
  /**
   * The error-code → status maps of the libs (and the app) this app serves; core adds its generic
   * codes. Two maps giving one code different statuses stop the app at boot.
   */
  errorStatuses?: ErrorStatusMap[];
  /** Mounts what is not a Nest controller (a Fastify plugin) once the app is built; routes cannot be added after listening. */
  beforeListen?: (nest: NestFastifyApplication) => Promise<void>;
  /** A built single-page app served beside the API (public-api's Mini App at /app/). */
  webApp?: WebAppMount;
}

/**
 * Builds and starts one HTTP app the same way in production and in e2e tests: Fastify (chosen by
 * measurement, see README), request ids, JSON logs, one validation pipe, one error filter, docs.
 */
export async function createHttpApp(
  module: Type<unknown> | DynamicModule,
  config: AppConfig,
  app: AppName,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  // Before anything listens: a conflicting map is a boot error, not a coin toss per request.
  const errorFilter = new ErrorBodyFilter(options.errorStatuses);
  const adapter = new FastifyAdapter({
    genReqId: requestIdFrom,
    requestIdHeader: false,
    // Only proxies we were told about may name the client; otherwise X-Forwarded-For is the
    // client's own claim, and per-IP limits would be a suggestion (TRUST_PROXY).
    trustProxy: config.trustProxy,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  registerJsonParser(adapter);
  registerRawUploadParsers(adapter);
  await registerCors(adapter, config.corsOrigins(app));
  // Uploads: one file per request, capped at UPLOAD_MAX_BYTES (the handler turns the cap into a 413).
  await adapter.register(multipart as never, {
    limits: { fileSize: config.env.UPLOAD_MAX_BYTES, files: 1, fields: 10, fieldSize: 1024 },
    throwFileSizeLimit: true,
  });
  // Nest's own body parser would turn a JSON syntax error into an anonymous 400; ours names it.
  const nest = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false, bodyParser: false });
  nest.useLogger(nest.get(Logger));
  nest.useGlobalFilters(errorFilter);
  nest.useGlobalPipes(createValidationPipe());
  nest
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
  registerAccessLog(nest.getHttpAdapter().getInstance(), nest.get(ACCESS_LOG));
  registerMetricsRoutes(nest.getHttpAdapter().getInstance(), nest.get(Metrics), config.env.METRICS_TOKEN);
  boundShutdown(nest);
  if (options.docs) setupDocs(nest, options.docs);
  await options.beforeListen?.(nest);
  if (options.webApp && !(await serveWebApp(nest, options.webApp)))
    nest.get(Logger).warn(`No web app built in ${options.webApp.root}: ${options.webApp.prefix} is not served (npm run build builds it)`);
  await nest.listen(options.port ?? config.port(app), config.env.HOST);
  return nest;
}

/** How long a closing app lets in-flight requests finish before it drops their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Closing waits for busy connections and drops idle ones; a keep-alive connection that a client
 * leaves in neither state (seen in tests with fetch's pool) would hold the shutdown for the whole
 * keep-alive timeout. After a grace period every connection is dropped.
 */
function boundShutdown(nest: NestFastifyApplication): void {
  const fastify = nest.getHttpAdapter().getInstance();
  fastify.addHook('preClose', (done) => {
    setTimeout(() => fastify.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    done();
  });
}

function registerJsonParser(adapter: FastifyAdapter): void {
  adapter.getInstance().addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // Kept for signature checks over the exact bytes (Stripe webhooks); costs a reference, not a copy.
    (request as { rawBody?: Buffer }).rawBody = body as Buffer;
    parseJsonBody(request, (body as Buffer).toString('utf8'), done);
  });
}

/**
 * Raw uploads (public-api `PUT /files/*`, presigned disk URLs) read the request stream themselves
 * with their own cap (UPLOAD_MAX_BYTES). Without a parser Fastify answers 415 before the route;
 * with a buffering one the 1 MB bodyLimit would apply. So these types pass through unread.
 */
function registerRawUploadParsers(adapter: FastifyAdapter): void {
  const leaveUnread = (_request: unknown, _payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(null, undefined);
  adapter.getInstance().addContentTypeParser(/^(?:image|video|audio)\//, leaveUnread);
  adapter.getInstance().addContentTypeParser('text/plain', leaveUnread);
}

function setupDocs(nest: NestFastifyApplication, docs: NonNullable<HttpAppOptions['docs']>): void {
  const builder = new DocumentBuilder().setTitle(docs.title).setDescription(docs.description).setVersion('1.0.0');
  if (docs.auth.includes('api-key'))
    builder.addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Service key from SERVICE_API_KEYS' }, 'api-key');
  if (docs.auth.includes('init-data'))
    builder.addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Telegram-Init-Data', description: 'Raw Telegram Mini App initData (or `Authorization: tma <initData>`)' },
      'init-data',
    );
  if (docs.auth.includes('bearer'))
    builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Admin JWT from POST /api/v1/admin/auth/login' }, 'bearer');
  const document = SwaggerModule.createDocument(nest, builder.build());
  SwaggerModule.setup('docs', nest, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
