import { Controller, Get, NotFoundException, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@genbot/core';
import { assertUpload, FileUrlSigner, MediaFamily, mediaFamily, ObjectStorage, readCapped } from '@genbot/storage';

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
    const bytes = await bodyOf(request, maxBytes);
    const { contentType } = assertUpload({ bytes, declaredType, allowed, maxBytes });
    await this.storage.put(key, bytes, { contentType });
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
 * The raw body. Binary types reach us unread (create-http-app registers a pass-through parser
 * for them) and are capped while streaming; a type some parser already buffered arrives whole.
 */
function bodyOf(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(request.body)) return Promise.resolve(request.body);
  if (typeof request.body === 'string') return Promise.resolve(Buffer.from(request.body, 'utf8'));
  return readCapped(request.raw, maxBytes);
}
