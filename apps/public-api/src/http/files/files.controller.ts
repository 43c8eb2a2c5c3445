import { Controller, Get, NotFoundException, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@genbot/core';
import { PassThrough, Readable } from 'node:stream';
import { assertUpload, FileUrlSigner, MediaFamily, mediaFamily, ObjectStorage, SpooledFile, spoolToTempFile } from '@genbot/storage';

const ALL_FAMILIES: MediaFamily[] = ['image', 'video', 'audio', 'text'];

interface FileUrlQuery {
  expires?: string;
  sig?: string;
}

/**
 * The disk backend's stand-in for S3 presigned URLs: `GET` and `PUT /files/<key>?expires&sig`,
 * as minted by `ObjectStorage.presignGet / presignPut`. With S3 configured these routes 404,
 * because clients are sent to the bucket instead.
 */
@ApiTags('Files')
@Controller('files')
export class FilesController {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly signer: FileUrlSigner,
    private readonly config: AppConfig,
  ) {}

  @Get('*')
  @ApiOperation({ summary: 'Download a file through a signed, expiring URL' })
  @ApiQuery({ name: 'expires', description: 'Unix seconds' })
  @ApiQuery({ name: 'sig', description: 'HMAC signature' })
  async download(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { key, expires, sig } = this.signedRequest(request);
    this.signer.verify({ method: 'GET', key, expires, sig });
    const object = await this.storage.stream(key);
    const maxAge = Math.max(0, expires - Math.floor(Date.now() / 1000));
    await reply
      .header('content-type', object.contentType)
      .header('content-length', object.size)
      .header('cache-control', `private, max-age=${maxAge}`)
      // Users' files share the API's origin: never let a browser run one as a page.
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(object.body);
  }

  @Put('*')
  @ApiOperation({ summary: 'Upload a file to a signed, expiring URL (send the Content-Type it was signed for)' })
  @ApiQuery({ name: 'expires', description: 'Unix seconds' })
  @ApiQuery({ name: 'sig', description: 'HMAC signature' })
  async upload(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { key, expires, sig } = this.signedRequest(request);
    const declaredType = request.headers['content-type'] ?? '';
    this.signer.verify({ method: 'PUT', key, expires, sig, contentType: declaredType });

    const maxBytes = this.config.env.UPLOAD_MAX_BYTES;
    const family = mediaFamily(declaredType);
    const allowed = family ? [family] : ALL_FAMILIES;
    // Refuse by Content-Length before reading anything; a chunked body is capped while read.
    const declaredLength = Number(request.headers['content-length']);
    if (Number.isSafeInteger(declaredLength)) assertUpload({ size: declaredLength, declaredType, allowed, maxBytes });
    if (Buffer.isBuffer(request.body) || typeof request.body === 'string') {
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
      const { contentType } = assertUpload({ bytes, declaredType, allowed, maxBytes });
      await this.storage.put(key, bytes, { contentType });
    } else {
      const spooled = await spoolRequest(request, maxBytes);
      try {
        const { contentType } = assertUpload({ bytes: spooled.head, size: spooled.size, declaredType, allowed, maxBytes });
        await this.storage.putStream(key, spooled.open(), { contentType, size: spooled.size });
      } finally {
        await spooled.dispose();
      }
    }
    await reply.status(200).send();
  }

  private signedRequest(request: FastifyRequest): { key: string; expires: number; sig: string | undefined } {
    // Other backends hand out their own URLs; nothing under /files belongs to them.
    if (this.storage.kind !== 'disk') throw new NotFoundException();
    const query = request.query as FileUrlQuery;
    const key = (request.params as Record<string, string>)['*'] ?? '';
    return { key, expires: /^\d{1,12}$/.test(query.expires ?? '') ? Number(query.expires) : NaN, sig: query.sig };
  }
}

/**
 * The raw body (binary types reach us unread: create-http-app registers a pass-through parser
 * for them), spooled to a temporary file under the cap. Through a PassThrough, because a failed
 * pipeline destroys its source, and a destroyed request kills the socket: the client would see
 * a reset instead of our 413. The rest of an oversize body is drained instead.
 */
async function spoolRequest(request: FastifyRequest, maxBytes: number): Promise<SpooledFile> {
  // Already read by a body parser (which left nothing for us): piping it would never end.
  if (request.raw.readableEnded) return spoolToTempFile(Readable.from([]), { maxBytes });
  const body = new PassThrough();
  request.raw.pipe(body);
  try {
    return await spoolToTempFile(body, { maxBytes });
  } catch (error) {
    request.raw.unpipe(body);
    request.raw.resume();
    throw error;
  }
}
