import sharp from 'sharp';

/**
 * Tiny but genuine files for sniffing tests: images encoded by sharp, the other formats built
 * from their published header layouts (no encoder for them ships with the project).
 */
export async function imageSample(format: 'png' | 'jpeg' | 'webp' | 'gif' | 'avif'): Promise<Buffer> {
  const image = sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 200, g: 30, b: 90 } } });
  return format === 'avif' ? image.avif().toBuffer() : image.toFormat(format).toBuffer();
}

/** An ISO base media file's first box: `ftyp` with a major brand and compatible brands. */
export function ftyp(major: string, compatible: string[] = []): Buffer {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size + 8);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  box.writeUInt32BE(8, size); // an empty `free` box after it, as muxers write
  box.write('free', size + 4, 'latin1');
  return box;
}

/** 16-bit mono PCM WAV with `samples` silent samples. */
export function wav(samples = 8): Buffer {
  const data = samples * 2;
  const file = Buffer.alloc(44 + data);
  file.write('RIFF', 0, 'latin1');
  file.writeUInt32LE(36 + data, 4);
  file.write('WAVE', 8, 'latin1');
  file.write('fmt ', 12, 'latin1');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20); // PCM
  file.writeUInt16LE(1, 22); // mono
  file.writeUInt32LE(8000, 24);
  file.writeUInt32LE(16000, 28);
  file.writeUInt16LE(2, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'latin1');
  file.writeUInt32LE(data, 40);
  return file;
}

/** One MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) and zeroed frame data. */
export function mp3Frame(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);
}

/** An ID3v2.4 tag header (empty tag) followed by a frame. */
export function mp3WithId3(): Buffer {
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), mp3Frame()]);
}

/** The EBML header of a Matroska file, with DocType `webm` or `matroska`. */
export function ebml(docType: 'webm' | 'matroska'): Buffer {
  const docTypeElement = Buffer.concat([Buffer.from([0x42, 0x82, 0x80 | docType.length]), Buffer.from(docType, 'latin1')]);
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | docTypeElement.length]), docTypeElement]);
}

/** The first Ogg page header (capture pattern, version 0, beginning-of-stream flag). */
export function oggPage(): Buffer {
  const page = Buffer.alloc(27);
  page.write('OggS', 0, 'latin1');
  page[5] = 0x02;
  return page;
}
