import { ebml, ftyp, imageSample, mp3Frame, mp3WithId3, oggPage, wav } from '../../test/media-samples';
import { extensionFor, mediaFamily, normalizeContentType, sniffContentType } from './content-type';

describe('sniffContentType', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['avif', 'image/avif'],
  ] as const)('recognises a %s encoded by sharp', async (format, type) => {
    expect(sniffContentType(await imageSample(format))).toBe(type);
  });

  it('tells ISO media files apart by their ftyp brands', () => {
    expect(sniffContentType(ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']))).toBe('video/mp4');
    expect(sniffContentType(ftyp('mp42', ['mp42', 'isom']))).toBe('video/mp4');
    expect(sniffContentType(ftyp('qt  ', ['qt  ']))).toBe('video/quicktime');
    expect(sniffContentType(ftyp('M4A ', ['M4A ', 'mp42', 'isom']))).toBe('audio/mp4');
    expect(sniffContentType(ftyp('heic', ['mif1', 'heic']))).toBe('image/heic');
    expect(sniffContentType(ftyp('mif1', ['mif1', 'heic']))).toBe('image/heic');
    expect(sniffContentType(ftyp('mif1', ['mif1', 'miaf']))).toBe('image/heif');
    expect(sniffContentType(ftyp('avif', ['avif', 'mif1', 'miaf']))).toBe('image/avif');
  });

  it('recognises audio and WebM', () => {
    expect(sniffContentType(wav())).toBe('audio/wav');
    expect(sniffContentType(mp3WithId3())).toBe('audio/mpeg');
    expect(sniffContentType(mp3Frame())).toBe('audio/mpeg');
    expect(sniffContentType(oggPage())).toBe('audio/ogg');
    expect(sniffContentType(ebml('webm'))).toBe('video/webm');
    expect(sniffContentType(ebml('matroska'))).toBe('video/x-matroska');
  });

  it('takes valid UTF-8 without NUL bytes as plain text', () => {
    expect(sniffContentType(Buffer.from('a prompt: кот в шляпе, 猫 🐱\n'))).toBe('text/plain');
    expect(sniffContentType(Buffer.from([0x68, 0x69, 0x00, 0x21]))).toBeUndefined();
    expect(sniffContentType(Buffer.from([0x68, 0xc3, 0x28]))).toBeUndefined(); // broken UTF-8
  });

  it('knows nothing of empty input, executables, PDFs or bytes that merely start with 0xFF', () => {
    expect(sniffContentType(Buffer.alloc(0))).toBeUndefined();
    expect(sniffContentType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]))).toBeUndefined();
    expect(sniffContentType(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00])]))).toBeUndefined();
    expect(sniffContentType(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
    expect(sniffContentType(Buffer.from('RIFF\x10\x00\x00\x00AVI LIST', 'latin1'))).toBeUndefined();
  });

  it('does not trust a file name: a PNG saved as clip.mp4 is still a PNG', async () => {
    const renamed = { name: 'clip.mp4', bytes: await imageSample('png') };
    expect(sniffContentType(renamed.bytes)).toBe('image/png');
  });
});

describe('content type helpers', () => {
  it('normalizes the spellings clients send', () => {
    expect(normalizeContentType('Image/JPG')).toBe('image/jpeg');
    expect(normalizeContentType('text/plain; charset=utf-8')).toBe('text/plain');
    expect(normalizeContentType('audio/x-wav')).toBe('audio/wav');
  });

  it('maps types to extensions and families', () => {
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('video/quicktime')).toBe('mov');
    expect(extensionFor('audio/mp3')).toBe('mp3');
    expect(extensionFor('application/pdf')).toBeUndefined();
    expect(mediaFamily('video/mp4')).toBe('video');
    expect(mediaFamily('text/plain')).toBe('text');
    expect(mediaFamily('text/html')).toBeUndefined();
    expect(mediaFamily('application/octet-stream')).toBeUndefined();
  });
});
