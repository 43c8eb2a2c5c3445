import type { ComponentChildren } from 'preact';
import type { Entity } from './api';

const WRAP: Record<string, (children: ComponentChildren, entity: Entity) => ComponentChildren> = {
  bold: (c) => <b>{c}</b>,
  italic: (c) => <i>{c}</i>,
  underline: (c) => <u>{c}</u>,
  strikethrough: (c) => <s>{c}</s>,
  code: (c) => <code>{c}</code>,
  pre: (c) => <pre>{c}</pre>,
  spoiler: (c) => <span class="spoiler">{c}</span>,
  blockquote: (c) => <blockquote>{c}</blockquote>,
  text_link: (c, e) => (
    <a href={e.url} target="_blank" rel="noreferrer">
      {c}
    </a>
  ),
  url: (c) => (
    <a href={String(c)} target="_blank" rel="noreferrer">
      {c}
    </a>
  ),
};

/**
 * A message's text with its entities, as a Telegram client draws them: the text is cut where any
 * entity starts or ends, and each piece is wrapped in every entity that covers it.
 */
export function FormattedText({ text, entities = [] }: { text: string; entities?: Entity[] }) {
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(Math.min(text.length, e.offset + e.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: ComponentChildren[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [from, to] = [points[i], points[i + 1]];
    let node: ComponentChildren = text.slice(from, to);
    for (const e of entities) {
      if (e.offset <= from && e.offset + e.length >= to) node = (WRAP[e.type] ?? ((c: ComponentChildren) => c))(node, e);
    }
    pieces.push(<span key={from}>{node}</span>);
  }
  return <span class="text">{pieces}</span>;
}
