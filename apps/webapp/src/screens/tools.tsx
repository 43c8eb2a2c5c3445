import { useEffect, useState } from 'preact/hooks';
import { Model, newKey } from '../api';
import { useSession } from '../context';
import { haptic } from '../telegram';
import { ImagePicker, Picked } from './image-picker';

export function ToolsScreen() {
  const { api, t, language, go, credits } = useSession();
  const [tools, setTools] = useState<Model[] | null>(null);
  const [toolId, setToolId] = useState<string | null>(null);
  const [images, setImages] = useState<Picked[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.models().then((all) => setTools(all.filter((model) => model.kind === 'tool')));
  }, []);

  async function run() {
    const mediaId = images[0]?.id;
    if (!toolId || !mediaId) return;
    try {
      await api.tool(toolId, { media_id: mediaId, language }, newKey());
      haptic.success();
      go('generations');
    } catch (e) {
      haptic.error();
      setError(t('error.generic', { m: (e as Error).message }));
    }
  }

  if (!tools) return <p class="hint">{t('loading')}</p>;
  return (
    <section>
      <h1>{t('tools.title')}</h1>
      <div class="cards" role="radiogroup" aria-label={t('tools.title')}>
        {tools.map((tool) => (
          <button
            key={tool.id}
            type="button"
            role="radio"
            aria-checked={tool.id === toolId}
            class={tool.id === toolId ? 'card selected' : 'card'}
            disabled={!tool.available}
            data-tool={tool.id}
            onClick={() => setToolId(tool.id)}
          >
            <strong>{tool.name}</strong>
            {tool.description && <span class="hint">{tool.description}</span>}
            <span class="price">{tool.available ? credits(tool.price) : t('create.unavailable')}</span>
          </button>
        ))}
      </div>
      <ImagePicker label={t('tools.pick')} max={1} images={images} onChange={setImages} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="primary" disabled={!toolId || !images[0]?.id} onClick={() => void run()}>
        {t('tools.run')}
      </button>
    </section>
  );
}
