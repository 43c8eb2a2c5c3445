import type { FastifyRequest } from 'fastify';
import { DomainError } from '@genbot/core';

/** The one file of a multipart request (field `file`), with the limit the multipart plugin enforces. */
export async function readSingleFile(request: FastifyRequest): Promise<{ data: Buffer; contentType: string; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with a file field');
  const fields: Record<string, string> = {};
  let file: { data: Buffer; contentType: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) {
        await part.toBuffer().catch(() => undefined);
        throw new DomainError('VALIDATION_FAILED', 'Send exactly one file, in the field `file`', { fields: [{ field: part.fieldname, problems: ['unexpected file'] }] });
      }
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new DomainError('STORAGE_TOO_LARGE', 'The file is larger than the upload limit');
        throw error;
      }
      file = { data, contentType: part.mimetype };
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!file) throw new DomainError('VALIDATION_FAILED', 'The field `file` is missing', { fields: [{ field: 'file', problems: ['required'] }] });
  return { ...file, fields };
}
