/** The Bot API objects the page renders (only the fields it reads). */
export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}
export interface FileRef {
  file_id: string;
  file_name?: string;
  mime_type?: string;
  duration?: number;
  width?: number;
}
export interface Button {
  text: string;
  callback_data?: string;
  url?: string;
  web_app?: { url: string };
}
export interface Invoice {
  title: string;
  description: string;
  currency: string;
  total_amount: number;
}
export interface Message {
  message_id: number;
  from?: { id: number; is_bot: boolean; first_name: string };
  date: number;
  edit_date?: number;
  text?: string;
  entities?: Entity[];
  caption?: string;
  caption_entities?: Entity[];
  photo?: FileRef[];
  video?: FileRef;
  animation?: FileRef;
  audio?: FileRef;
  voice?: FileRef;
  document?: FileRef;
  media_group_id?: string;
  invoice?: Invoice;
  successful_payment?: { currency: string; total_amount: number };
  reply_markup?: { inline_keyboard?: Button[][] };
}
export interface ReplyKeyboard {
  keyboard: (string | { text: string })[][];
  one_time_keyboard?: boolean;
}
export interface User {
  id: number;
  first_name: string;
  username?: string;
  language_code: string;
}
export interface Session {
  bot: { id: number; username: string };
  users: User[];
  miniApp: { port: number; path: string } | { url: string };
}
export type ChatEvent =
  | { type: 'message' | 'edit'; chatId: string; message: Message }
  | { type: 'delete'; chatId: string; messageId: number }
  | { type: 'keyboard'; chatId: string; keyboard: ReplyKeyboard | undefined };
export type PaymentOutcome = { status: 'paid' } | { status: 'refused'; reason: string } | { status: 'declined' } | { status: 'unanswered' };

const BASE = '/sandbox/api';

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${BASE}${path}`, init);
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

const post = <T>(path: string, body: unknown) => call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The sandbox API on the bot app (libs/sandbox/src/sandbox/sandbox-routes.ts). */
export const api = {
  session: () => call<Session>('/session'),
  addUser: (firstName: string, languageCode: string) => post<User>('/users', { firstName, languageCode }),
  chat: (userId: number) => call<{ messages: Message[]; replyKeyboard: ReplyKeyboard | null }>(`/chats/${userId}`),
  events: (userId: number) => new EventSource(`${BASE}/chats/${userId}/events`),
  sendText: (userId: number, text: string) => post<Message>(`/chats/${userId}/messages`, { text }),
  sendFile: (userId: number, kind: string, file: Blob, name: string, extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('kind', kind);
    for (const [key, value] of Object.entries(extra)) form.set(key, value);
    // Fields before the file: the server reads them with the file part.
    form.set('file', file, name);
    return call<Message>(`/chats/${userId}/files`, { method: 'POST', body: form });
  },
  press: (userId: number, messageId: number, data: string) =>
    post<{ answer: { text?: string; showAlert?: boolean } | null }>(`/chats/${userId}/callbacks`, { messageId, data }),
  pay: (userId: number, invoice: { messageId: number } | { slug: string }, decline: boolean) =>
    post<PaymentOutcome>(`/chats/${userId}/payments`, { ...invoice, decline }),
  invoiceLink: (slug: string) => call<Invoice>(`/invoices/${encodeURIComponent(slug)}`),
  miniApp: (userId: number) => call<{ initData: string }>(`/chats/${userId}/mini-app`),
  fileUrl: (fileId: string) => `${BASE}/files/${encodeURIComponent(fileId)}`,
};
