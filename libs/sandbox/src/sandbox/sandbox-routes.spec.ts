import multipart from '@fastify/multipart';
import Fastify, { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBotApi } from '../bot-api/local-bot-api';
import { registerSandboxRoutes } from './sandbox-routes';
import { SandboxUsers } from './sandbox-users';

describe('the sandbox page’s API', () => {
  let api: LocalBotApi;
  let http: FastifyInstance;
  let users: SandboxUsers;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genbot-sandbox-routes-'));
    api = await LocalBotApi.start();
    users = new SandboxUsers(join(dir, 'users.json'));
    http = Fastify();
    await http.register(multipart);
    registerSandboxRoutes(http, { api, users, miniApp: { port: 3000, path: '/app/' }, maxUploadBytes: 1024 });
    await http.ready();
  });
  afterAll(async () => {
    await http.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alex = () => users.list()[0];

  it('lists the bot, one user per language (kept in DATA_DIR), and where the Mini App is', async () => {
    const session = (await http.inject({ method: 'GET', url: '/sandbox/api/session' })).json();
    expect(session).toEqual({
      bot: { id: api.botId, username: api.botUsername },
      users: [
        expect.objectContaining({ first_name: 'Alex', language_code: 'en' }),
        expect.objectContaining({ language_code: 'ru' }),
        expect.objectContaining({ language_code: 'uz' }),
      ],
      miniApp: { port: 3000, path: '/app/' },
    });
    expect(new SandboxUsers(join(dir, 'users.json')).list()).toEqual(session.users);
  });

  it('sends as the user: the message is in the chat and an update waits for the bot', async () => {
    const sent = await http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/messages`, payload: { text: '/start' } });
    expect(sent.statusCode).toBe(200);
    const chat = (await http.inject({ method: 'GET', url: `/sandbox/api/chats/${alex().id}` })).json();
    expect(chat.messages.at(-1)).toMatchObject({ text: '/start', from: { id: alex().id }, entities: [{ type: 'bot_command', offset: 0, length: 6 }] });
    const updates = (await (await fetch(`${api.apiRoot}/bot${api.token}/getUpdates`)).json()) as { result: { message?: { text?: string } }[] };
    expect(updates.result.map((update) => update.message?.text)).toEqual(['/start']);
  });

  it('refuses what it cannot do with a code and a message, and changes nothing', async () => {
    const before = api.chats.list(alex().id).length;
    const answers = await Promise.all([
      http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/messages`, payload: { text: '' } }),
      http.inject({ method: 'POST', url: '/sandbox/api/chats/1/messages', payload: { text: 'hi' } }),
      http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/callbacks`, payload: { messageId: 9999, data: 'x' } }),
      http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/payments`, payload: {} }),
      http.inject({ method: 'POST', url: '/sandbox/api/users', payload: { firstName: 'Zed', languageCode: 'fr' } }),
      http.inject({ method: 'GET', url: '/sandbox/api/files/nope' }),
    ]);
    expect(answers.map((answer) => [answer.statusCode, answer.json().code])).toEqual([
      [400, 'VALIDATION_FAILED'],
      [404, 'SANDBOX_USER_NOT_FOUND'],
      [404, 'SANDBOX_MESSAGE_NOT_FOUND'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [404, 'SANDBOX_FILE_NOT_FOUND'],
    ]);
    expect(api.chats.list(alex().id)).toHaveLength(before);
    expect(users.list()).toHaveLength(3);
  });

  it('answers this machine only', async () => {
    const remote = await http.inject({ method: 'GET', url: '/sandbox/api/session', remoteAddress: '192.168.1.20' });
    expect([remote.statusCode, remote.json().code]).toEqual([403, 'SANDBOX_LOCAL_ONLY']);
    expect((await http.inject({ method: 'GET', url: '/sandbox/api/session', remoteAddress: '::1' })).statusCode).toBe(200);
  });

  it('takes a file as a photo and serves its bytes back; refuses one over the cap', async () => {
    const boundary = 'sandbox-boundary';
    const form = (size: number) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cat.png"\r\nContent-Type: image/png\r\n\r\n`),
        Buffer.alloc(size, 7),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const sent = await http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/files`, headers, payload: form(100) });
    expect(sent.statusCode).toBe(200);
    const fileId = sent.json().photo.at(-1).file_id;
    const file = await http.inject({ method: 'GET', url: `/sandbox/api/files/${fileId}` });
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload).toEqual(Buffer.alloc(100, 7));

    const tooBig = await http.inject({ method: 'POST', url: `/sandbox/api/chats/${alex().id}/files`, headers, payload: form(2048) });
    expect([tooBig.statusCode, tooBig.json().code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
