import { DomainError } from '@genbot/core';

export type BroadcastStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'blocked';
/**
 * What to do with a recipient whose send was started by a worker that died before it learned
 * Telegram's answer: `exactly_once` counts it failed ("unknown"), `at_least_once` sends again.
 */
export type DeliveryMode = 'exactly_once' | 'at_least_once';
export type MediaType = 'photo' | 'video' | 'document';

export interface BroadcastButton {
  text: string;
  url: string;
}

/** The message every recipient gets. `media.fileId` is what Telegram gave back for an uploaded URL. */
export interface BroadcastContent {
  text: string;
  parseMode: 'HTML';
  media?: { type: MediaType; url?: string; fileId?: string };
  buttons?: BroadcastButton[][];
}

export type BroadcastFilter =
  | { kind: 'all' }
  | { kind: 'active'; days: number }
  | { kind: 'paid' }
  | { kind: 'never_paid' }
  | { kind: 'language'; language: string }
  | { kind: 'source'; source: string }
  | { kind: 'has_generations' }
  | { kind: 'registered_between'; from: string; to: string };

export const FILTER_KINDS = ['all', 'active', 'paid', 'never_paid', 'language', 'source', 'has_generations', 'registered_between'] as const;

export interface Broadcast {
  id: string;
  publicId: string;
  content: BroadcastContent;
  filter: BroadcastFilter;
  status: BroadcastStatus;
  scheduledAt: Date | null;
  allowPaidBroadcast: boolean;
  delivery: DeliveryMode;
  mediaFileId: string | null;
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Telegram's limits on what one message carries. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const MAX_BUTTON_ROWS = 10;

const invalid = (message: string, field: string) => new DomainError('BROADCAST_INVALID', message, { fields: { [field]: message } });

/** Checks a filter's own parameters; throws BROADCAST_INVALID naming the field. */
export function checkFilter(filter: BroadcastFilter): BroadcastFilter {
  switch (filter.kind) {
    case 'active':
      if (!Number.isInteger(filter.days) || filter.days < 1 || filter.days > 3650) throw invalid('days must be a whole number from 1 to 3650', 'filter.days');
      return { kind: 'active', days: filter.days };
    case 'language':
      if (!filter.language) throw invalid('language is required', 'filter.language');
      return { kind: 'language', language: filter.language };
    case 'source':
      if (!filter.source) throw invalid('source is required', 'filter.source');
      return { kind: 'source', source: filter.source };
    case 'registered_between': {
      const from = Date.parse(filter.from);
      const to = Date.parse(filter.to);
      if (Number.isNaN(from) || Number.isNaN(to) || from > to) throw invalid('from and to must be dates, from not after to', 'filter.from');
      return { kind: 'registered_between', from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    }
    default:
      if (!FILTER_KINDS.includes(filter.kind)) throw invalid(`kind must be one of ${FILTER_KINDS.join(', ')}`, 'filter.kind');
      return { kind: filter.kind };
  }
}

/** Checks what Telegram would refuse (lengths, buttons) before anything is stored. */
export function checkContent(content: BroadcastContent): BroadcastContent {
  const visible = content.text.replace(/<[^>]*>/g, '').trim().length;
  if (content.media) {
    if (!content.media.url && !content.media.fileId) throw invalid('media needs a url or a fileId', 'media');
    if (content.media.url && !/^https?:\/\//.test(content.media.url)) throw invalid('media url must be http(s)', 'media.url');
    if (visible > CAPTION_LIMIT) throw invalid(`a caption is at most ${CAPTION_LIMIT} characters`, 'text');
  } else {
    if (visible === 0) throw invalid('text is required', 'text');
    if (visible > TEXT_LIMIT) throw invalid(`a message is at most ${TEXT_LIMIT} characters`, 'text');
  }
  if (content.buttons) {
    if (content.buttons.length > MAX_BUTTON_ROWS) throw invalid(`at most ${MAX_BUTTON_ROWS} rows of buttons`, 'buttons');
    for (const button of content.buttons.flat())
      if (!button.text || !/^(https?|tg):\/\//.test(button.url)) throw invalid('each button needs text and an http(s) or tg:// url', 'buttons');
  }
  return content;
}

/** Which statuses may still be started, and which cancelled. */
export const STARTABLE: BroadcastStatus[] = ['draft', 'scheduled'];
export const CANCELLABLE: BroadcastStatus[] = ['draft', 'scheduled', 'running', 'paused'];

/** Pending counts what is not yet final: both waiting and in-flight recipients. */
export function pendingOf(b: Pick<Broadcast, 'total' | 'sent' | 'failed' | 'blocked'>): number {
  return Math.max(0, b.total - b.sent - b.failed - b.blocked);
}
