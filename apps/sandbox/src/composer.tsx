import { useRef, useState } from 'preact/hooks';
import { api, ReplyKeyboard } from './api';
import { AttachIcon, MicIcon, SendIcon, StopIcon } from './icons';

/** What a chosen file is sent as: photos as photos (Telegram compresses them), the rest by type. */
function kindOf(file: File): string {
  if (/^image\/(jpeg|png|webp)$/.test(file.type)) return 'photo';
  if (file.type.startsWith('video/')) return 'video';
  if (/^audio\/(ogg|webm)/.test(file.type)) return 'voice';
  if (file.type.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Opus in Ogg where the browser records it (Firefox), else in WebM (Chromium); both are what Telegram's voice notes hold. */
function recordingType(): { mimeType: string; ext: string } | undefined {
  for (const [mimeType, ext] of [
    ['audio/ogg;codecs=opus', 'ogg'],
    ['audio/webm;codecs=opus', 'webm'],
  ]) {
    if (typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(mimeType)) return { mimeType, ext };
  }
  return undefined;
}

/** The text field, the reply keyboard above it, attaching a file and recording a voice message. */
export function Composer({ userId, keyboard, onError }: { userId: number; keyboard: ReplyKeyboard | null; onError: (message: string) => void }) {
  const [text, setText] = useState('');
  const [recording, setRecording] = useState<{ recorder: MediaRecorder; startedAt: number }>();
  const fileInput = useRef<HTMLInputElement>(null);
  const fail = (e: Error) => onError(e.message);

  const send = (value: string) => {
    if (!value.trim()) return;
    setText('');
    api.sendText(userId, value).catch(fail);
  };
  const attach = (file: File | undefined) => {
    if (!file) return;
    api.sendFile(userId, kindOf(file), file, file.name).catch(fail);
  };
  const record = async () => {
    if (recording) return recording.recorder.stop();
    const type = recordingType();
    if (!type || !navigator.mediaDevices) return onError('This browser cannot record audio here (a microphone needs https or localhost).');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true }).catch((e: Error) => void onError(`Microphone: ${e.message}`));
    if (!stream) return;
    const recorder = new MediaRecorder(stream, { mimeType: type.mimeType });
    const chunks: Blob[] = [];
    const startedAt = Date.now();
    recorder.ondataavailable = (e) => chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      setRecording(undefined);
      const duration = String(Math.max(1, Math.round((Date.now() - startedAt) / 1000)));
      const blob = new Blob(chunks, { type: type.mimeType.split(';')[0] });
      api.sendFile(userId, 'voice', blob, `voice.${type.ext}`, { duration }).catch(fail);
    };
    recorder.start();
    setRecording({ recorder, startedAt });
  };

  return (
    <div class="composer-area">
      {keyboard && (
        <div class="reply-keyboard" data-testid="reply-keyboard">
          {keyboard.keyboard.map((row, i) => (
            <div class="keyboard-row" key={i}>
              {row.map((button, j) => {
                const label = typeof button === 'string' ? button : button.text;
                return (
                  <button type="button" key={j} onClick={() => send(label)}>
                    {label}
                  </button>
                );
              })}
            </div>
          ))}
        </div>
      )}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <button type="button" class="icon" title="Send a photo or a file" aria-label="Attach" onClick={() => fileInput.current?.click()}>
          <AttachIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          data-testid="attach"
          onChange={(e) => {
            attach(e.currentTarget.files?.[0]);
            e.currentTarget.value = '';
          }}
        />
        <input
          class="text-input"
          placeholder="Message"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-label="Message"
          data-testid="message-input"
        />
        {text.trim() ? (
          <button type="submit" class="icon send" aria-label="Send">
            <SendIcon />
          </button>
        ) : (
          <button
            type="button"
            class={`icon ${recording ? 'recording' : ''}`}
            aria-label={recording ? 'Stop and send the voice message' : 'Record a voice message'}
            data-testid="record"
            onClick={() => void record()}
          >
            {recording ? <StopIcon /> : <MicIcon />}
          </button>
        )}
      </form>
    </div>
  );
}
