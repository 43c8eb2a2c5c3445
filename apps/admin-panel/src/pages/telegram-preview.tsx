import { useMemo } from 'preact/hooks';

/** What Telegram's HTML parse mode renders; anything else is shown as its text. */
const ALLOWED = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'INS', 'S', 'STRIKE', 'DEL', 'A', 'CODE', 'PRE', 'BLOCKQUOTE', 'TG-SPOILER', 'SPAN']);

/**
 * The message roughly as a chat shows it. The operator's HTML is rebuilt node by node from a
 * detached document, keeping only Telegram's tags and an http(s) href: nothing of it runs here.
 */
export function TelegramPreview({ text, photo, buttons }: { text: string; photo?: string; buttons?: { text: string; url: string }[][] }) {
  const body = useMemo(() => {
    const doc = new DOMParser().parseFromString(`<body>${text}</body>`, 'text/html');
    const out = document.createElement('div');
    const copy = (from: Node, to: Node) => {
      for (const node of Array.from(from.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) to.appendChild(document.createTextNode(node.textContent ?? ''));
        else if (node.nodeType === Node.ELEMENT_NODE) {
          const element = node as Element;
          if (!ALLOWED.has(element.tagName)) {
            copy(element, to);
            continue;
          }
          const clean = document.createElement(element.tagName === 'TG-SPOILER' ? 'span' : element.tagName.toLowerCase());
          if (element.tagName === 'TG-SPOILER' || element.classList.contains('tg-spoiler')) clean.className = 'spoiler';
          const href = element.getAttribute('href');
          if (element.tagName === 'A' && href && /^https?:\/\//i.test(href)) {
            clean.setAttribute('href', href);
            clean.setAttribute('rel', 'noopener noreferrer');
            clean.setAttribute('target', '_blank');
          }
          copy(element, clean);
          to.appendChild(clean);
        }
      }
    };
    copy(doc.body, out);
    return out.innerHTML;
  }, [text]);

  return (
    <div class="preview" data-testid="preview">
      <div class="bubble">
        {photo && <img src={photo} alt="The photo sent with the message" />}
        {text.trim() ? <div class="text" dangerouslySetInnerHTML={{ __html: body }} /> : <p class="hint">The message appears here as you type.</p>}
      </div>
      {buttons?.map((row, i) => (
        <div key={i} class="buttons">
          {row.map((b) => (
            <span key={b.url + b.text} class="tg-button">
              {b.text}
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}
