import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, Button, ChatEvent, Message, ReplyKeyboard, Session, User } from './api';
import { Composer } from './composer';
import { MessageView } from './message-view';
import { MiniAppPanel, THEME } from './mini-app-panel';
import { PaymentChoice, PaymentDialog } from './payment-dialog';

/** The sandbox: a Telegram-like chat with the bot for each sandbox user, and the Mini App beside it. */
export function App() {
  const [session, setSession] = useState<Session>();
  const [userId, setUserId] = useState<number>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.session().then(
      (s) => {
        setSession(s);
        const saved = Number(localStorage.getItem('sandbox-user'));
        setUserId(s.users.some((u) => u.id === saved) ? saved : s.users[0]?.id);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  if (error) return <div class="fatal">The sandbox API did not answer: {error}</div>;
  if (!session || userId === undefined) return <div class="fatal">Loading…</div>;
  const user = session.users.find((u) => u.id === userId)!;
  const choose = (id: number) => {
    localStorage.setItem('sandbox-user', String(id));
    setUserId(id);
  };
  const addUser = async () => {
    const name = prompt('Name of the new sandbox user')?.trim();
    if (!name) return;
    const language = prompt('Language: en, ru or uz', 'en')?.trim() ?? 'en';
    const added = await api.addUser(name, language).catch((e: Error) => void alert(e.message));
    if (!added) return;
    setSession({ ...session, users: [...session.users, added] });
    choose(added.id);
  };
  return (
    <div class="layout">
      <aside class="users" aria-label="Sandbox users">
        <div class="brand">genbot sandbox</div>
        {session.users.map((u) => (
          <button type="button" key={u.id} class={`user ${u.id === userId ? 'active' : ''}`} onClick={() => choose(u.id)} data-testid={`user-${u.id}`}>
            <span class="avatar">{u.first_name.slice(0, 1)}</span>
            <span class="user-name">
              {u.first_name} <span class="language">{u.language_code}</span>
            </span>
          </button>
        ))}
        <button type="button" class="user add" onClick={() => void addUser()}>
          + user
        </button>
      </aside>
      <Chat key={user.id} session={session} user={user} />
    </div>
  );
}

function Chat({ session, user }: { session: Session; user: User }) {
  const [messages, setMessages] = useState<Map<number, Message>>(new Map());
  const [keyboard, setKeyboard] = useState<ReplyKeyboard | null>(null);
  const [toast, setToast] = useState<string>();
  const [paying, setPaying] = useState<Message>();
  const [miniApp, setMiniApp] = useState<string>();
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    const events = api.events(user.id);
    // Events that arrive while the history loads are applied on top of it.
    const pending: ChatEvent[] = [];
    let loaded = false;
    const apply = (event: ChatEvent) => {
      if (event.type === 'keyboard') return setKeyboard(event.keyboard ?? null);
      setMessages((current) => {
        const next = new Map(current);
        if (event.type === 'delete') next.delete(event.messageId);
        else next.set(event.message.message_id, event.message);
        return next;
      });
    };
    events.onmessage = (e: MessageEvent<string>) => {
      const event = JSON.parse(e.data) as ChatEvent;
      if (loaded) apply(event);
      else pending.push(event);
    };
    api.chat(user.id).then(({ messages: history, replyKeyboard }) => {
      if (!live) return;
      setMessages(new Map(history.map((m) => [m.message_id, m])));
      setKeyboard(replyKeyboard);
      loaded = true;
      pending.forEach(apply);
    });
    return () => {
      live = false;
      events.close();
    };
  }, [user.id]);

  useEffect(() => bottom.current?.scrollIntoView({ block: 'end' }), [messages]);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(undefined), 3000);
    return () => clearTimeout(timer);
  }, [toast]);

  const groups = useMemo(() => groupAlbums([...messages.values()].sort((a, b) => a.message_id - b.message_id)), [messages]);
  const openMiniApp = async () => {
    const { initData } = await api.miniApp(user.id);
    const base = 'url' in session.miniApp ? session.miniApp.url : `${location.protocol}//${location.hostname}:${session.miniApp.port}${session.miniApp.path}`;
    const launch = new URLSearchParams({
      tgWebAppData: initData,
      tgWebAppVersion: '8.0',
      tgWebAppPlatform: 'web',
      tgWebAppThemeParams: JSON.stringify(THEME),
      // Where the frame's bridge events go (the Mini App tells its SDK; Telegram's clients never send it).
      genbotSandboxOrigin: location.origin,
    });
    setMiniApp(`${base}#${launch.toString()}`);
  };
  const press = async (message: Message, button: Button) => {
    if (button.url) return void window.open(button.url, '_blank', 'noopener');
    if (button.web_app) return void openMiniApp();
    if (!button.callback_data) return;
    const { answer } = await api
      .press(user.id, message.message_id, button.callback_data)
      .catch((e: Error) => ({ answer: { text: e.message, showAlert: false } }));
    if (answer?.showAlert && answer.text) alert(answer.text);
    else if (answer?.text) setToast(answer.text);
  };
  const pay = async (choice: PaymentChoice) => {
    const invoice = paying!;
    setPaying(undefined);
    if (choice === 'cancel') return;
    const outcome = await api
      .pay(user.id, { messageId: invoice.message_id }, choice === 'decline')
      .catch((e: Error) => ({ status: 'refused' as const, reason: e.message }));
    if (outcome.status === 'refused') setToast(`Payment refused by the bot: ${outcome.reason}`);
    else if (outcome.status === 'declined') setToast('Payment declined: no Stars were taken');
    else if (outcome.status === 'unanswered') setToast('The bot did not confirm the order within 10 s');
  };

  return (
    <>
      <main class="chat">
        <header class="chat-header">
          <div>
            <div class="chat-title">@{session.bot.username}</div>
            <div class="chat-subtitle">
              you are {user.first_name} (id {user.id}, app language {user.language_code})
            </div>
          </div>
          <button type="button" class="open-app" onClick={() => void openMiniApp()} data-testid="open-mini-app">
            Open app
          </button>
        </header>
        <div class="messages" data-testid="messages">
          {groups.length === 0 && <div class="empty">Say /start to the bot.</div>}
          {groups.map((group) => (
            <MessageView
              key={group[0].message_id}
              messages={group}
              mine={group[0].from?.id === user.id}
              actions={{ press: (m, b) => void press(m, b), pay: setPaying }}
            />
          ))}
          <div ref={bottom} />
        </div>
        {toast && (
          <div class="toast" role="status" data-testid="toast">
            {toast}
          </div>
        )}
        <Composer userId={user.id} keyboard={keyboard} onError={setToast} />
      </main>
      {paying?.invoice && <PaymentDialog invoice={paying.invoice} onChoice={(choice) => void pay(choice)} />}
      {miniApp && <MiniAppPanel key={miniApp} url={miniApp} userId={user.id} onClose={() => setMiniApp(undefined)} />}
    </>
  );
}

/** Consecutive messages of one media group are one album, as Telegram shows them. */
function groupAlbums(messages: Message[]): Message[][] {
  const groups: Message[][] = [];
  for (const message of messages) {
    const last = groups[groups.length - 1];
    if (message.media_group_id && last?.[0].media_group_id === message.media_group_id) last.push(message);
    else groups.push([message]);
  }
  return groups;
}
