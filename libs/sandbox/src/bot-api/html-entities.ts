/** A Bot API MessageEntity: a span of the plain text (UTF-16 offsets, as Telegram counts them) and its style. */
export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  'tg-spoiler': 'spoiler',
  blockquote: 'blockquote',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * What Telegram makes of `parse_mode: HTML`: the plain text and its entities, so that a message
 * read back (and shown in the sandbox) looks as a Telegram client shows it. Telegram's tag set;
 * an unknown tag is kept as text rather than refused, which is laxer than Telegram.
 */
export function parseHtml(html: string): { text: string; entities: MessageEntity[] } {
  let text = '';
  const entities: MessageEntity[] = [];
  const open: { tag: string; entity: MessageEntity }[] = [];
  const pattern = /<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"]*"|='[^']*')?)*)\s*>|&(#x[0-9a-f]+|#\d+|[a-z]+);|[^<&]+|[<&]/gi;
  for (const match of html.matchAll(pattern)) {
    const [whole, closing, rawTag, attributes, entity] = match;
    if (rawTag) {
      const tag = rawTag.toLowerCase();
      const span = tag === 'span' && /class="tg-spoiler"/.test(attributes ?? '') ? 'tg-spoiler' : tag;
      const type = TAGS[span];
      if (!type && tag !== 'span') {
        text += whole;
        continue;
      }
      if (closing) {
        const index = open.map((o) => o.tag).lastIndexOf(span === 'span' ? 'tg-spoiler' : span);
        if (index === -1) continue;
        const [{ entity: done }] = open.splice(index, 1);
        done.length = text.length - done.offset;
        if (done.length > 0) entities.push(done);
        continue;
      }
      if (!type) continue;
      const started: MessageEntity = { type, offset: text.length, length: 0 };
      const href = /href=(?:"([^"]*)"|'([^']*)')/.exec(attributes ?? '');
      if (type === 'text_link') started.url = decode(href?.[1] ?? href?.[2] ?? '');
      open.push({ tag: span, entity: started });
    } else if (entity) {
      text += decodeEntity(entity) ?? whole;
    } else {
      text += whole;
    }
  }
  // `<pre><code class="language-x">` is one entity in Telegram's model.
  for (const pre of entities.filter((e) => e.type === 'pre')) {
    const inner = entities.findIndex((e) => e.type === 'code' && e.offset === pre.offset && e.length === pre.length);
    if (inner !== -1) entities.splice(inner, 1);
  }
  return { text, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => decodeEntity(name) ?? whole);
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
  return NAMED[name.toLowerCase()];
}
