import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

/** Speech-to-text models ElevenLabs serves. */
const STT_MODELS = ['scribe_v1', 'scribe_v1_experimental', 'scribe_v2'];
/** ElevenLabs takes files up to 1 GB; the fake refuses anything that is plainly not a clip. */
const AUDIO_TYPES = /^(audio|video)\//;

/**
 * What a fake hears: the text of the next clips in order (`hear('…')`), else `fallback`. An empty
 * string is a clip with no speech in it.
 */
export class FakeTranscriber {
  fallback = 'hello';
  /** ISO 639-3, as ElevenLabs names the detected language. */
  languageCode = 'eng';
  private queued: string[] = [];

  hear(...texts: string[]): void {
    this.queued.push(...texts);
  }

  next(): string {
    return this.queued.shift() ?? this.fallback;
  }

  reset(): void {
    this.queued = [];
    this.fallback = 'hello';
    this.languageCode = 'eng';
  }
}

/** `POST /v1/speech-to-text` after auth: validates the multipart body as ElevenLabs does and answers its transcript shape. */
export function transcribe(
  speech: FakeTranscriber,
  contentType: string,
  raw: Buffer,
): { status: number; body: Json; fields?: Record<string, string>; file?: { filename: string; contentType?: string; data: Buffer } } {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !boundary) {
    return { status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: null }] } };
  }
  const { fields, files } = parseMultipart(raw, boundary[1] ?? boundary[2]);
  const file = files.find((part) => part.name === 'file');
  const base = { fields, ...(file ? { file: { filename: file.filename, contentType: file.contentType, data: file.data } } : {}) };
  if (!fields.model_id) return { ...base, status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: null }] } };
  if (!STT_MODELS.includes(fields.model_id)) {
    return { ...base, status: 400, body: detail('validation_error', 'invalid_model_id', `Invalid model_id ${fields.model_id}`) };
  }
  if (!file && !fields.cloud_storage_url) {
    return { ...base, status: 400, body: detail('validation_error', 'invalid_parameters', 'Either file or cloud_storage_url must be provided') };
  }
  if (file && (file.data.length === 0 || (file.contentType && !AUDIO_TYPES.test(file.contentType)))) {
    return { ...base, status: 400, body: detail('validation_error', 'invalid_content', 'The uploaded file is not a valid audio or video file') };
  }
  const text = speech.next();
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => ({ text: word, start: i * 0.4, end: i * 0.4 + 0.3, type: 'word', logprob: -0.05 }));
  return {
    ...base,
    status: 200,
    body: { language_code: speech.languageCode, language_probability: 0.97, text, words, transcription_id: randomBytes(10).toString('hex') },
  };
}

function detail(type: string, code: string, message: string): Json {
  return { detail: { type, code, status: code, message, request_id: randomBytes(16).toString('hex') } };
}

/** RFC 7578 multipart: text parts become fields; parts with a filename keep their bytes. */
function parseMultipart(
  body: Buffer,
  boundary: string,
): { fields: Record<string, string>; files: { name: string; filename: string; contentType?: string; data: Buffer }[] } {
  const fields: Record<string, string> = {};
  const files: { name: string; filename: string; contentType?: string; data: Buffer }[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position === -1) return { fields, files };
  position += delimiter.length;
  while (body.subarray(position, position + 2).toString('latin1') !== '--') {
    const lineEnd = body.indexOf('\r\n', position);
    const headersEnd = body.indexOf('\r\n\r\n', position);
    const end = body.indexOf(nextDelimiter, headersEnd === -1 ? position : headersEnd + 4);
    if (lineEnd === -1 || headersEnd === -1 || end === -1) break;
    const headers = body.subarray(lineEnd + 2, headersEnd).toString('utf8');
    const content = body.subarray(headersEnd + 4, end);
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      if (filename !== undefined)
        files.push({ name, filename, contentType: /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim(), data: Buffer.from(content) });
      else fields[name] = content.toString('utf8');
    }
    position = end + nextDelimiter.length;
  }
  return { fields, files };
}
