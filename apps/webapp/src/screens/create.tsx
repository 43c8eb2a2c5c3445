import { useEffect, useMemo, useState } from 'preact/hooks';
import { Model, OptionSpec, Quote, newKey } from '../api';
import { useSession } from '../context';
import { haptic, mainButtonAvailable, showMainButton } from '../telegram';
import { ImagePicker, Picked } from './image-picker';

function modeFor(model: Model, images: number): string {
  if (images > 0) return model.modes.find((mode) => mode !== 't2i') ?? model.modes[0];
  return model.modes.includes('t2i') ? 't2i' : model.modes[0];
}

function optionsFor(model: Model, mode: string): [string, OptionSpec][] {
  return Object.entries(model.options).filter(([, spec]) => spec.type !== 'string' && (!spec.modes || spec.modes.includes(mode)));
}

/** `output_format` → "Output format". */
function optionLabel(option: string): string {
  const words = option.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function CreateScreen() {
  const { api, t, language, go, credits } = useSession();
  const [models, setModels] = useState<Model[] | null>(null);
  const [modelId, setModelId] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Record<string, string | number>>({});
  const [prompt, setPrompt] = useState('');
  const [images, setImages] = useState<Picked[]>([]);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.models().then((all) => {
      // What can run now first; the rest stay visible (greyed) so users know they exist.
      const creative = all.filter((model) => model.kind !== 'tool' && model.kind !== 'audio').sort((a, b) => Number(b.available) - Number(a.available));
      setModels(creative);
      setModelId(creative.find((model) => model.available)?.id ?? null);
    });
  }, []);

  const model = models?.find((m) => m.id === modelId);
  const mode = model ? modeFor(model, images.length) : 't2i';
  const options = useMemo(() => (model ? optionsFor(model, mode) : []), [model, mode]);
  const body = model && { model_id: model.id, mode, image_count: images.length, ...chosen };

  useEffect(() => {
    if (!body) return;
    setQuote(null);
    // The price follows every change; a short pause spares the API a call per keystroke.
    const timer = setTimeout(() => void api.price(body).then(setQuote, () => undefined), 200);
    return () => clearTimeout(timer);
  }, [JSON.stringify(body)]);

  const uploading = images.some((image) => !image.id);
  const canSubmit = !!model && model.available && !busy && !uploading && (prompt.trim().length > 0 || images.length > 0);

  async function submit() {
    if (!model || !canSubmit) return;
    setBusy(true);
    setError(null);
    try {
      const mediaIds = images.map((image) => image.id!);
      await api.submit(
        { ...body, prompt: prompt.trim() || undefined, media_ids: mediaIds.length ? mediaIds : undefined, language, image_count: undefined },
        newKey(),
      );
      haptic.success();
      go('generations');
    } catch (e) {
      haptic.error();
      setError(t('error.generic', { m: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  const label = `${t('create.submit')}${quote ? ` · ${quote.trial ? t('create.free') : credits(quote.price)}` : ''}`;
  const native = mainButtonAvailable();
  useEffect(() => (native ? showMainButton(label, () => void submit(), canSubmit) : undefined), [native, label, canSubmit, prompt, images]);

  if (!models) return <p class="hint">{t('loading')}</p>;
  if (models.length === 0) return <p class="hint">{t('create.noModels')}</p>;
  return (
    <section>
      <h1>{t('tab.create')}</h1>
      <h2>{t('create.model')}</h2>
      <div class="cards" role="radiogroup" aria-label={t('create.model')}>
        {models.map((m) => (
          <button
            key={m.id}
            type="button"
            role="radio"
            aria-checked={m.id === modelId}
            class={m.id === modelId ? 'card selected' : 'card'}
            disabled={!m.available}
            data-model={m.id}
            onClick={() => {
              haptic.tap();
              setModelId(m.id);
              setChosen({});
            }}
          >
            <strong>{m.name}</strong>
            {m.description && <span class="hint">{m.description}</span>}
            <span class="price">{m.available ? credits(m.price) : t('create.unavailable')}</span>
          </button>
        ))}
      </div>
      {options.length > 0 && <h2>{t('create.options')}</h2>}
      {options.map(([name, spec]) => (
        <label key={name} class="field">
          <span>{optionLabel(name)}</span>
          {spec.type === 'enum' ? (
            <select value={String(chosen[name] ?? spec.default ?? spec.values[0])} onChange={(e) => setChosen({ ...chosen, [name]: e.currentTarget.value })}>
              {spec.values.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          ) : spec.type === 'integer' ? (
            <input
              type="number"
              min={spec.min}
              max={spec.max}
              value={chosen[name] ?? spec.default ?? spec.min}
              onChange={(e) => setChosen({ ...chosen, [name]: Number(e.currentTarget.value) })}
            />
          ) : null}
        </label>
      ))}
      <label class="field">
        <span>{t('create.prompt')}</span>
        <textarea rows={3} placeholder={t('create.promptHint')} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </label>
      {model && model.maxInputImages > 0 && model.modes.some((m) => m !== 't2i') && (
        <ImagePicker label={t('create.images')} max={model.maxInputImages} images={images} onChange={setImages} />
      )}
      <p class="quote" aria-live="polite">
        {t('create.price')}: <strong data-testid="price">{quote ? (quote.trial ? t('create.free') : credits(quote.price)) : '…'}</strong>
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!native && (
        <button type="button" class="primary" disabled={!canSubmit} onClick={() => void submit()}>
          {label}
        </button>
      )}
    </section>
  );
}
