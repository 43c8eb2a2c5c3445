import { Injectable } from '@nestjs/common';
import type { PhotoSize } from 'telegraf/types';
import { DomainError } from '@genbot/core';
import { DataService, type GenerationInput } from '@genbot/generations';
import type { BotContext } from '../telegram/bot-context';
import { TelegramFileTooLarge, downloadTelegramFile } from '../telegram/telegram-file';

export type PhotoRefusal = { refused: 'too_large'; maxMb: number } | { refused: 'not_image' };

/**
 * A photo the user sent, fetched from Telegram (getFile) into storage as an upload of theirs, held
 * to the same checks as a Mini App upload: the size cap (before and while downloading) and the
 * bytes, not the declared type, saying it is an image.
 */
@Injectable()
export class TelegramPhotos {
  constructor(private readonly data: DataService) {}

  async store(ctx: BotContext, sizes: PhotoSize[]): Promise<GenerationInput | PhotoRefusal> {
    const max = this.data.maxUploadBytes;
    const tooLarge: PhotoRefusal = { refused: 'too_large', maxMb: Math.floor(max / (1024 * 1024)) || 1 };
    // The largest size that fits: Telegram keeps smaller renditions of a big photo.
    const photo = sizes.find((size) => (size.file_size ?? 0) <= max);
    if (!photo) return tooLarge;
    let bytes: Buffer;
    try {
      bytes = await downloadTelegramFile(ctx.telegram, photo.file_id, max, 60_000);
    } catch (error) {
      if (error instanceof TelegramFileTooLarge) return tooLarge;
      throw error;
    }
    try {
      const stored = await this.data.upload({ userId: ctx.state.user.id, type: 'image', data: bytes });
      return { type: 'image', dataId: stored.id, storageKey: stored.storageKey, contentType: stored.contentType };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'STORAGE_TOO_LARGE') return tooLarge;
      if (error instanceof DomainError && error.code === 'STORAGE_UNSUPPORTED_TYPE') return { refused: 'not_image' };
      throw error;
    }
  }
}
