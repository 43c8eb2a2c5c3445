import { randomBytes } from 'node:crypto';
import { Json, MediaKind, ReceivedFile, chatOf, definedOnly, hashOf, inlineMarkup, toNumber, unixNow } from './bot-api-protocol';
import { parseHtml } from './html-entities';

/** What happened in a chat, as a Telegram client would show it. */
export type ChatEvent =
  | { type: 'message' | 'edit'; chatId: string; message: Json }
  | { type: 'delete'; chatId: string; messageId: number }
  | { type: 'keyboard'; chatId: string; keyboard: Json | undefined };

/** A file the stand-in keeps: bytes uploaded to it, or the URL a bot sent (Telegram would fetch it; a browser can). */
export interface StoredFile {
  fileId: string;
  path: string;
  data?: Buffer;
  url?: string;
  contentType?: string;
  name?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  webm: 'audio/webm',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

/**
 * The chats as Telegram keeps them: messages by id (each chat numbers its own, the bot's and the
 * user's alike), the reply keyboard a chat shows, and files by `file_id`. Files sent as uploads
 * keep their bytes (up to `maxStoredBytes`, oldest dropped first), so `getFile` works for them as
 * it does at Telegram and the sandbox page can show them.
 */
export class ChatStore {
  private readonly messages = new Map<string, Map<number, Json>>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly replyKeyboards = new Map<string, Json>();
  /** A private chat as its user's own messages describe it, so the bot's messages there carry the same. */
  private readonly chatInfo = new Map<string, Json>();
  private readonly files = new Map<string, StoredFile>();
  private storedBytes = 0;
  private fileCounter = 0;
  private readonly listeners = new Set<(event: ChatEvent) => void>();

  constructor(
    private readonly botUser: () => Json,
    private readonly maxStoredBytes: number,
  ) {}

  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: (event: ChatEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(chatId: number | string): Json[] {
    return [...(this.messages.get(String(chatId))?.values() ?? [])].sort((a, b) => Number(a.message_id) - Number(b.message_id));
  }

  get(chatId: number | string, messageId: number): Json | undefined {
    return this.messages.get(String(chatId))?.get(messageId);
  }

  replyKeyboard(chatId: number | string): Json | undefined {
    return this.replyKeyboards.get(String(chatId));
  }

  /** A message the bot sent: HTML parsed into text and entities as Telegram does, its keyboard applied. */
  botMessage(params: Json, content: Json): Json {
    const message: Json = {
      ...this.baseMessage(params.chat_id, this.nextId(String(params.chat_id))),
      ...definedOnly(formatted(content, params.parse_mode)),
      ...inlineMarkup(params.reply_markup),
    };
    this.put(String(params.chat_id), message, 'message');
    this.applyReplyKeyboard(String(params.chat_id), params.reply_markup);
    return message;
  }

  /** A message the user sent (the sandbox page, a test): numbered in the chat's own sequence. */
  userMessage(from: Json, content: Json): Json {
    const chatId = String(from.id);
    const chat: Json = { id: from.id, type: 'private', first_name: from.first_name, ...(from.username ? { username: from.username } : {}) };
    this.chatInfo.set(chatId, chat);
    const message: Json = {
      message_id: this.nextId(chatId),
      from,
      chat,
      date: unixNow(),
      ...content,
    };
    this.put(chatId, message, 'message');
    return message;
  }

  edit(params: Json, change: Json): Json {
    const messageId = Number(params.message_id);
    const chatKey = String(params.chat_id);
    const stored = this.get(chatKey, messageId) ?? this.baseMessage(params.chat_id, messageId);
    // Telegram drops the inline keyboard from an edited message unless the edit carries one again.
    const { reply_markup: _old, ...kept } = stored;
    // New text brings its own entities (or none).
    if ('text' in change) delete kept.entities;
    if ('caption' in change) delete kept.caption_entities;
    const edited: Json = { ...kept, ...definedOnly(formatted(change, params.parse_mode)), edit_date: unixNow(), ...inlineMarkup(params.reply_markup) };
    this.put(chatKey, edited, 'edit');
    return edited;
  }

  delete(chatId: number | string, messageId: number): boolean {
    const deleted = this.messages.get(String(chatId))?.delete(messageId) ?? false;
    if (deleted) this.emit({ type: 'delete', chatId: String(chatId), messageId });
    return deleted;
  }

  /** A file a user sent; returns what a message's `photo` / `voice` / `document` carries. */
  addFile(data: Buffer, ext = 'jpg', name?: string): { file_id: string; file_unique_id: string; file_size: number } {
    const n = ++this.fileCounter;
    const fileId = `upload_${n}_${randomBytes(6).toString('hex')}`;
    this.keep({ fileId, path: `${folderOf(ext)}/file_${n}.${ext}`, data, contentType: CONTENT_TYPES[ext], name });
    return { file_id: fileId, file_unique_id: `u${fileId}`, file_size: data.length };
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  fileByPath(path: string): StoredFile | undefined {
    return [...this.files.values()].find((file) => file.path === path);
  }

  /** The `photo` / `video` / … part of a message the bot sends: from an upload, a URL or a file_id sent before. */
  media(kind: MediaKind, value: unknown, files: ReceivedFile[], params: Json): Json {
    const upload =
      typeof value === 'string' && value.startsWith('attach://')
        ? files.find((file) => file.field === value.slice('attach://'.length))
        : value === undefined
          ? files.find((file) => file.field === kind)
          : undefined;
    const n = ++this.fileCounter;
    // A file_id sent again comes back unchanged, as at Telegram; uploads and URLs get a new one.
    const reused = typeof value === 'string' && !/^(https?|attach):\/\//.test(value) ? value : undefined;
    const file: Json = {
      file_id: reused ?? `AgACAgIAAxkBAAIfake${n}`,
      file_unique_id: reused ? `AQAD${hashOf(reused)}` : `AQADfake${n}`,
      ...(upload ? { file_size: upload.size } : {}),
    };
    if (!reused && (upload || typeof value === 'string')) {
      const ext = /\.(\w{2,4})$/.exec(upload?.filename ?? String(value))?.[1]?.toLowerCase() ?? defaultExt(kind);
      this.keep({
        fileId: String(file.file_id),
        path: `${folderOf(ext)}/file_${n}.${ext}`,
        ...(upload ? { data: upload.data, contentType: upload.contentType ?? CONTENT_TYPES[ext], name: upload.filename } : { url: String(value) }),
      });
    }
    const duration = toNumber(params.duration) ?? 0;
    const caption = typeof params.caption === 'string' ? formatted({ caption: params.caption }, params.parse_mode) : {};
    const fileName = { file_name: upload?.filename ?? 'file' };
    switch (kind) {
      case 'photo':
        return {
          ...caption,
          photo: [
            { ...file, file_id: `${file.file_id}_s`, file_unique_id: `${file.file_unique_id}_s`, width: 90, height: 90 },
            { ...file, width: 1280, height: 1280 },
          ],
        };
      case 'video':
      case 'animation':
        return { ...caption, [kind]: { ...file, width: 1280, height: 720, duration, ...fileName, mime_type: 'video/mp4' } };
      case 'audio':
        return { ...caption, audio: { ...file, duration, ...fileName, mime_type: 'audio/mpeg' } };
      case 'voice':
        return { ...caption, voice: { ...file, duration, mime_type: 'audio/ogg' } };
      case 'document':
        return { ...caption, document: { ...file, ...fileName, mime_type: upload?.contentType ?? 'application/octet-stream' } };
    }
  }

  private keep(file: StoredFile): void {
    this.files.set(file.fileId, file);
    this.storedBytes += file.data?.length ?? 0;
    for (const [fileId, old] of this.files) {
      if (this.storedBytes <= this.maxStoredBytes) break;
      if (!old.data) continue;
      this.files.delete(fileId);
      this.storedBytes -= old.data.length;
    }
  }

  private applyReplyKeyboard(chatId: string, markup: unknown): void {
    if (typeof markup !== 'object' || markup === null) return;
    if ('keyboard' in markup) this.replyKeyboards.set(chatId, markup as Json);
    else if ('remove_keyboard' in markup) this.replyKeyboards.delete(chatId);
    else return;
    this.emit({ type: 'keyboard', chatId, keyboard: this.replyKeyboards.get(chatId) });
  }

  private nextId(chatId: string): number {
    const messageId = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, messageId);
    return messageId;
  }

  private put(chatId: string, message: Json, type: 'message' | 'edit'): void {
    let messages = this.messages.get(chatId);
    if (!messages) this.messages.set(chatId, (messages = new Map()));
    messages.set(Number(message.message_id), message);
    this.emit({ type, chatId, message });
  }

  private baseMessage(chatId: unknown, messageId: number): Json {
    const { id, is_bot, first_name, username } = this.botUser();
    return { message_id: messageId, from: { id, is_bot, first_name, username }, chat: this.chatInfo.get(String(chatId)) ?? chatOf(chatId), date: unixNow() };
  }

  private emit(event: ChatEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** `text` / `caption` as Telegram stores them: with parse_mode HTML, the plain text plus its entities. */
function formatted(content: Json, parseMode: unknown): Json {
  if (String(parseMode).toLowerCase() !== 'html') return content;
  const result = { ...content };
  for (const [field, entitiesField] of [
    ['text', 'entities'],
    ['caption', 'caption_entities'],
  ] as const) {
    if (typeof content[field] !== 'string') continue;
    const { text, entities } = parseHtml(content[field]);
    result[field] = text;
    if (entities.length) result[entitiesField] = entities;
  }
  return result;
}

function folderOf(ext: string): string {
  if (['jpg', 'jpeg', 'png', 'webp'].includes(ext)) return 'photos';
  if (['ogg', 'oga', 'webm'].includes(ext)) return 'voice';
  if (ext === 'mp4') return 'videos';
  if (ext === 'mp3') return 'music';
  return 'documents';
}

function defaultExt(kind: MediaKind): string {
  return { photo: 'jpg', video: 'mp4', animation: 'mp4', audio: 'mp3', voice: 'ogg', document: 'bin' }[kind];
}
