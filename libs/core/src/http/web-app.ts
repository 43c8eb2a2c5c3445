import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A single-page app built by Vite, mounted under `prefix` (`/app/`). */
export interface WebAppMount {
  prefix: `/${string}/`;
  /** The build's folder (holds index.html and assets/). */
  root: string;
  /** Outside origins the page may load scripts and frames from (the admin panel's Telegram Login Widget, the sandbox's Mini App); none by default. */
  allow?: { scripts?: string[]; frames?: string[] };
}

/**
 * The page's own policy: scripts only from this origin (the bundle; nothing fetched from outside
 * at run time, unless the mount allows an origin); images, video and audio also from object storage (S3 public or presigned URLs)
 * and uploads' previews (blob:). No frame-ancestors: Telegram's web and desktop clients show a
 * Mini App in an iframe.
 */
function pageCsp(allow: WebAppMount['allow'] = {}): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...(allow.scripts ?? [])].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https: http:",
    "media-src 'self' blob: https: http:",
    "connect-src 'self'",
    ...(allow.frames?.length ? [`frame-src ${allow.frames.join(' ')}`] : []),
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
}

/**
 * Serves a built web app: its hashed assets with a year's cache, index.html revalidated on every
 * load (a deploy takes effect at once), and index.html for any other path under the prefix so
 * that the app's own routes survive a reload. Only GETs under the prefix are touched: the API's
 * routes, CORS and error bodies stay as they were. Returns false when the app was never built.
 */
export async function serveWebApp(nest: NestFastifyApplication, mount: WebAppMount): Promise<boolean> {
  const root = resolve(mount.root);
  if (!existsSync(join(root, 'index.html'))) return false;
  const fastify = nest.getHttpAdapter().getInstance();
  const csp = pageCsp(mount.allow);
  const pageHeaders = (reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
  };
  await fastify.register(fastifyStatic, {
    root,
    prefix: mount.prefix,
    // One route per built file (read at boot); the catch-all below answers everything else.
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res: FastifyReply, path: string) => {
      if (path.endsWith('.html')) return pageHeaders(res);
      res.header('x-content-type-options', 'nosniff');
      // Vite puts a content hash in every name under assets/: a changed file is a new URL.
      res.header('cache-control', path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    },
  });
  const bare = mount.prefix.slice(0, -1);
  fastify.get(bare, (_request, reply) => reply.redirect(mount.prefix, 301));
  fastify.get(`${mount.prefix}*`, (request, reply: FastifyReply) => {
    // A missing file (an old asset, a typo) is a 404, not the page: a script tag must not get HTML.
    if (/\.[a-z0-9]+$/i.test(request.url.split('?')[0])) return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such file' });
    pageHeaders(reply);
    return reply.sendFile('index.html', root);
  });
  return true;
}
