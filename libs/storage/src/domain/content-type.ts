/** The families an upload may be restricted to. */
export type MediaFamily = 'image' | 'video' | 'audio' | 'text';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'text/plain': 'txt',
};

// Spellings browsers and phones really send for the types above.
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-m4a': 'audio/mp4',
  'audio/x-flac': 'audio/flac',
  'audio/opus': 'audio/ogg',
};

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** `Image/JPG; charset=x` → `image/jpeg`: lower case, no parameters, one spelling per type. */
export function normalizeContentType(contentType: string): string {
  const bare = contentType.split(';')[0].trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

/** The file extension genbot stores a type under, or undefined for a type it does not keep. */
export function extensionFor(contentType: string): string | undefined {
  return EXTENSIONS[normalizeContentType(contentType)];
}

export function mediaFamily(contentType: string): MediaFamily | undefined {
  const type = normalizeContentType(contentType);
  const family = type.split('/')[0];
  if (family === 'text') return type === 'text/plain' ? 'text' : undefined;
  return family === 'image' || family === 'video' || family === 'audio' ? family : undefined;
}

/**
 * The type a file really is, judged by its bytes (a client's header and file name are only
 * claims). Undefined when the bytes match nothing genbot accepts. Pass `prefix` when `bytes` is
 * only the beginning of the file, so text cut inside a multi-byte character still counts.
 */
export function sniffContentType(bytes: Buffer, options: { prefix?: boolean } = {}): string | undefined {
  if (bytes.length === 0) return undefined;
  const ascii = (start: number, end: number) => bytes.toString('latin1', start, end);

  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && bytes.length >= 12) {
    if (ascii(8, 12) === 'WEBP') return 'image/webp';
    if (ascii(8, 12) === 'WAVE') return 'audio/wav';
    return undefined;
  }
  if (ascii(4, 8) === 'ftyp' && bytes.length >= 12) return isoMediaType(bytes);
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return ascii(0, 64).includes('webm') ? 'video/webm' : 'video/x-matroska';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  const frame = mpegAudioFrame(bytes);
  if (frame) return frame;
  return isPlainText(bytes, options.prefix ?? false) ? 'text/plain' : undefined;
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

/** ISO base media (`ftyp` box): the brands tell HEIC / AVIF stills from MP4, MOV and M4A. */
function isoMediaType(bytes: Buffer): string {
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  const major = bytes.toString('latin1', 8, 12);
  const brands = [major];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(bytes.toString('latin1', offset, offset + 4));
  if (AVIF_BRANDS.has(major)) return 'image/avif';
  if (HEIC_BRANDS.has(major)) return 'image/heic';
  if (HEIF_BRANDS.has(major)) {
    // A generic HEIF major brand: the compatible brands say which codec is inside.
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'image/avif';
    return brands.some((brand) => HEIC_BRANDS.has(brand)) ? 'image/heic' : 'image/heif';
  }
  if (major === 'qt  ') return 'video/quicktime';
  if (major === 'M4A ' || major === 'M4B ') return 'audio/mp4';
  return 'video/mp4';
}

/**
 * An MPEG audio frame header (MP3 without ID3 tag) or ADTS (raw AAC): 11 sync bits, then fields
 * whose reserved values we reject so random binary starting with 0xFF rarely passes.
 */
function mpegAudioFrame(bytes: Buffer): string | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || (bytes[1] & 0xe0) !== 0xe0) return undefined;
  const version = (bytes[1] >> 3) & 0b11;
  const layer = (bytes[1] >> 1) & 0b11;
  if (layer === 0b00) return (bytes[1] & 0xf6) === 0xf0 && ((bytes[2] >> 2) & 0x0f) < 13 ? 'audio/aac' : undefined;
  const bitrate = bytes[2] >> 4;
  const sampleRate = (bytes[2] >> 2) & 0b11;
  if (version === 0b01 || bitrate === 0b1111 || sampleRate === 0b11) return undefined;
  return 'audio/mpeg';
}

function isPlainText(bytes: Buffer, prefix: boolean): boolean {
  if (bytes.includes(0)) return false;
  try {
    // `stream: true` keeps an incomplete trailing sequence pending instead of failing on it.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: prefix });
    return true;
  } catch {
    return false;
  }
}
