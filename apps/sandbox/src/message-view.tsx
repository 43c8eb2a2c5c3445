import { api, Button, Message } from './api';
import { FormattedText } from './formatted-text';

export interface MessageActions {
  press(message: Message, button: Button): void;
  pay(message: Message): void;
}

const time = (unix: number) => new Date(unix * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const stars = (currency: string, amount: number) => (currency === 'XTR' ? `${amount} Stars` : `${(amount / 100).toFixed(2)} ${currency}`);

/** One message, or an album (messages sharing a media_group_id), drawn as a chat bubble. */
export function MessageView({ messages, mine, actions }: { messages: Message[]; mine: boolean; actions: MessageActions }) {
  const [first] = messages;
  const last = messages[messages.length - 1];
  const captioned = messages.find((m) => m.caption) ?? first;
  if (first.successful_payment) {
    const { currency, total_amount } = first.successful_payment;
    return (
      <div class="service" data-testid="payment-service">
        You paid {stars(currency, total_amount)}
      </div>
    );
  }
  return (
    <div class={`row ${mine ? 'mine' : 'theirs'}`}>
      <div class="bubble" data-testid={mine ? 'user-message' : 'bot-message'} data-message-id={first.message_id}>
        {messages.length > 1 ? (
          <div class={`album n${Math.min(messages.length, 4)}`} data-testid="album">
            {messages.map((m) => (
              <Media key={m.message_id} message={m} />
            ))}
          </div>
        ) : (
          <Media message={first} />
        )}
        {first.invoice && (
          <div class="invoice" data-testid="invoice">
            <div class="invoice-title">{first.invoice.title}</div>
            <div class="invoice-description">{first.invoice.description}</div>
            <button class="pay" type="button" onClick={() => actions.pay(first)}>
              Pay {stars(first.invoice.currency, first.invoice.total_amount)}
            </button>
          </div>
        )}
        {first.text !== undefined && <FormattedText text={first.text} entities={first.entities} />}
        {captioned.caption && <FormattedText text={captioned.caption} entities={captioned.caption_entities} />}
        <div class="meta">
          {last.edit_date ? 'edited ' : ''}
          {time(last.date)}
        </div>
      </div>
      {!mine && last.reply_markup?.inline_keyboard && (
        <div class="inline-keyboard">
          {last.reply_markup.inline_keyboard.map((row, i) => (
            <div class="keyboard-row" key={i}>
              {row.map((button, j) => (
                <button type="button" key={j} class="inline-button" onClick={() => actions.press(last, button)}>
                  {button.text}
                  {button.url ? ' ↗' : button.web_app ? ' ▣' : ''}
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function Media({ message }: { message: Message }) {
  const photo = message.photo?.[message.photo.length - 1];
  if (photo) return <img class="photo" src={api.fileUrl(photo.file_id)} alt="photo" data-testid="photo" />;
  const video = message.video ?? message.animation;
  if (video) return <video class="video" src={api.fileUrl(video.file_id)} controls loop={!!message.animation} data-testid="video" />;
  const sound = message.voice ?? message.audio;
  if (sound)
    return (
      <div class="sound" data-testid={message.voice ? 'voice' : 'audio'}>
        <span class="sound-label">{message.voice ? `Voice message · ${message.voice.duration ?? 0} s` : (message.audio?.file_name ?? 'Audio')}</span>
        <audio src={api.fileUrl(sound.file_id)} controls preload="none" />
      </div>
    );
  if (message.document)
    return (
      <a class="document" href={api.fileUrl(message.document.file_id)} download={message.document.file_name} data-testid="document">
        {message.document.file_name ?? 'file'}
      </a>
    );
  return null;
}
