import type { Telegram } from 'telegraf';

/** The file is larger than the caller takes (by Telegram's stated size or by the bytes that came). */
export class TelegramFileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
    this.name = 'TelegramFileTooLarge';
  }
}

/**
 * A file a user sent, by its file_id: getFile, then its bytes from the Bot API's file URL, never
 * more than `maxBytes` (the stated size is checked first, the bytes counted as they come, since a
 * stated size is a claim). The URL carries the bot token: errors never include it.
 */
export async function downloadTelegramFile(telegram: Telegram, fileId: string, maxBytes: number, timeoutMs = 30_000): Promise<Buffer> {
  let file;
  try {
    file = await telegram.getFile(fileId);
  } catch (error) {
    // Telegram refuses getFile for anything over 20 MB.
    if (/file is too big/i.test(String((error as { description?: unknown }).description ?? ''))) throw new TelegramFileTooLarge(maxBytes);
    throw error;
  }
  if ((file.file_size ?? 0) > maxBytes) throw new TelegramFileTooLarge(maxBytes);
  const url = await telegram.getFileLink(file);
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) throw new Error(`telegram: downloading file ${fileId} answered ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body.cancel();
    throw new TelegramFileTooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new TelegramFileTooLarge(maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
