import { useEffect, useState } from 'preact/hooks';
import { ACTIVE, Generation, Result } from '../api';
import { useSession } from '../context';
import { download, share } from '../telegram';

const POLL_MS = 2000;

export function GenerationsScreen() {
  const { api, t } = useSession();
  const [names, setNames] = useState<Record<string, string>>({});
  const [active, setActive] = useState<Generation[] | null>(null);
  const [history, setHistory] = useState<Generation[]>([]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = async () => {
      const [running, all] = await Promise.all([api.active(), api.history()]).catch(() => [[], []] as Generation[][]);
      if (stopped) return;
      setActive(running);
      setHistory(all.filter((g) => !ACTIVE.includes(g.status)));
      // Polled only while something runs: progress and the result appear without a reload.
      if (running.length > 0) timer = setTimeout(() => void load(), POLL_MS);
    };
    void load();
    void api.models().then(
      (models) => setNames(Object.fromEntries(models.map((m) => [m.id, m.name]))),
      () => undefined,
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  if (!active) return <p class="hint">{t('loading')}</p>;
  return (
    <section>
      <h1>{t('tab.generations')}</h1>
      {active.length > 0 && (
        <>
          <h2>{t('generations.active')}</h2>
          {active.map((g) => (
            <article key={g.id} class="item" data-generation={g.id} data-status={g.status}>
              <header>
                <strong>{names[g.modelId] ?? g.modelId}</strong>
                <span class="hint">{t(`status.${g.status}`)}</span>
              </header>
              {g.prompt && <p class="prompt">{g.prompt}</p>}
              <progress max={100} value={g.progress} aria-label={`${g.modelId}: ${g.progress}%`} />
            </article>
          ))}
        </>
      )}
      <h2>{t('generations.history')}</h2>
      {history.length === 0 && <p class="hint">{t('generations.empty')}</p>}
      {history.map((g) => (
        <HistoryItem key={g.id} generation={g} name={names[g.modelId] ?? g.modelId} />
      ))}
    </section>
  );
}

function HistoryItem({ generation: g, name }: { generation: Generation; name: string }) {
  const { api, t, credits } = useSession();
  const [results, setResults] = useState<Result[]>([]);
  useEffect(() => {
    if (g.status === 'succeeded')
      void api.results(g.id).then(
        (answer) => setResults(answer.results),
        () => undefined,
      );
  }, [g.id, g.status]);
  return (
    <article class="item" data-generation={g.id} data-status={g.status}>
      <header>
        <strong>{name}</strong>
        <span class={g.status === 'failed' ? 'error' : 'hint'}>
          {t(`status.${g.status}`)} · {g.trial ? t('create.free') : credits(g.price)}
        </span>
      </header>
      {g.prompt && <p class="prompt">{g.prompt}</p>}
      {results.map((result) => (
        <figure key={result.index} class="result">
          {result.contentType.startsWith('image/') ? (
            <img src={result.url} alt={`${t('generations.result')}: ${g.prompt ?? g.modelId}`} loading="lazy" />
          ) : result.contentType.startsWith('video/') ? (
            <video src={result.url} controls aria-label={t('generations.result')} />
          ) : (
            <audio src={result.url} controls aria-label={t('generations.result')} />
          )}
          <div class="row">
            <button type="button" onClick={() => share(result.url, g.prompt ?? '')}>
              {t('generations.share')}
            </button>
            <button type="button" onClick={() => download(result.url, `${g.modelId}-${g.id.slice(0, 8)}-${result.index}.${result.contentType.split('/')[1]}`)}>
              {t('generations.download')}
            </button>
          </div>
        </figure>
      ))}
    </article>
  );
}
