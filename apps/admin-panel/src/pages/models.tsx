import { useState } from 'preact/hooks';
import type { Model, PriceRule } from '../api';
import { Badge, Failure, Loading, Section, Status, number, useAction, useCan, useLoad, PanelLink, usePanel } from '../ui';

const MODES = ['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'];

/** The catalog: models with their price rules; admins activate, rename, reorder and reprice (models/<slug>). */
export function ModelsPage({ rest }: { rest: string }) {
  const { api, navigate } = usePanel();
  const can = useCan();
  const models = useLoad(() => api.models());
  const editing = models.data?.find((m) => m.slug === rest);
  return (
    <>
      <h1>Models &amp; prices</h1>
      <Failure error={models.error} />
      {!models.data && !models.error && <Loading />}
      {editing && can('admin') && <ModelEditor key={editing.slug} model={editing} onSaved={models.reload} onClose={() => navigate('models')} />}
      {models.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Kind</th>
              <th scope="col">Provider</th>
              <th scope="col">Prices</th>
              <th scope="col">Generations</th>
              <th scope="col">State</th>
              {can('admin') && <th scope="col">Edit</th>}
            </tr>
          </thead>
          <tbody>
            {models.data.map((m) => (
              <tr key={m.slug} data-model={m.slug}>
                <td>
                  {m.name}
                  <br />
                  <span class="hint mono">{m.slug}</span>
                </td>
                <td>{m.kind}</td>
                <td>{m.provider}</td>
                <td data-testid="prices">
                  <Prices rules={m.prices} />
                </td>
                <td>{m.generationCount === undefined ? '—' : number(m.generationCount)}</td>
                <td>{m.isActive ? <Badge tone="ok">active</Badge> : <Badge tone="muted">inactive</Badge>}</td>
                {can('admin') && (
                  <td>
                    <PanelLink to={`models/${m.slug}`} aria-label={`Edit ${m.name}`}>
                      Edit
                    </PanelLink>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** One rule a line; a long table (per size and quality) folds after the first few. */
function Prices({ rules }: { rules: PriceRule[] }) {
  const shown = rules.slice(0, 3).map(describeRule);
  return (
    <>
      <ul class="rules">
        {shown.map((text, i) => (
          <li key={i}>{text}</li>
        ))}
      </ul>
      {rules.length > 3 && (
        <details>
          <summary>{rules.length - 3} more rules</summary>
          <ul class="rules">
            {rules.slice(3).map((rule, i) => (
              <li key={i}>{describeRule(rule)}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function describeRule(rule: PriceRule): string {
  const when = [rule.mode, ...Object.entries(rule.match).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(', ');
  const price = rule.credits !== null ? `${rule.credits} credits` : `$${rule.usd}`;
  return when ? `${when}: ${price}` : price;
}

interface RuleDraft {
  mode: string;
  match: string;
  unit: 'credits' | 'usd';
  value: string;
}

const toDraft = (rule: PriceRule): RuleDraft => ({
  mode: rule.mode ?? '',
  match: Object.entries(rule.match)
    .map(([k, v]) => `${k}=${v}`)
    .join(', '),
  unit: rule.credits !== null ? 'credits' : 'usd',
  value: String(rule.credits ?? rule.usd ?? ''),
});

function fromDraft(draft: RuleDraft): Partial<PriceRule> {
  const match = Object.fromEntries(
    draft.match
      .split(',')
      .map((pair) => pair.split('=').map((s) => s.trim()))
      .filter(([k, v]) => k && v),
  );
  return { ...(draft.mode ? { mode: draft.mode } : {}), ...(Object.keys(match).length ? { match } : {}), [draft.unit]: Number(draft.value) };
}

function ModelEditor({ model, onSaved, onClose }: { model: Model; onSaved: () => void; onClose: () => void }) {
  const { api } = usePanel();
  const [name, setName] = useState(model.name);
  const [sort, setSort] = useState(String(model.sort));
  const [rules, setRules] = useState<RuleDraft[]>(model.prices.map(toDraft));
  const details = useAction();
  const prices = useAction();
  const setRule = (i: number, change: Partial<RuleDraft>) => setRules(rules.map((r, j) => (j === i ? { ...r, ...change } : r)));

  return (
    <Section
      title={`Edit ${model.name}`}
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <form
        class="actions"
        aria-label="Model details"
        onSubmit={(e) => {
          e.preventDefault();
          void details.run(() => api.patchModel(model.slug, { name: name.trim(), sort: Number(sort) }), 'Saved').then((ok) => ok && onSaved());
        }}
      >
        <div class="row">
          <div>
            <label for="model-name">Display name</label>
            <input id="model-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div>
            <label for="model-sort">Order (lowest first)</label>
            <input id="model-sort" type="number" min={0} step={1} required value={sort} onInput={(e) => setSort(e.currentTarget.value)} />
          </div>
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={details.busy}>
            Save details
          </button>
          <button
            type="button"
            disabled={details.busy}
            onClick={() =>
              void details
                .run(() => api.patchModel(model.slug, { isActive: !model.isActive }), model.isActive ? 'Deactivated' : 'Activated')
                .then((ok) => ok && onSaved())
            }
          >
            {model.isActive ? 'Deactivate' : 'Activate'}
          </button>
        </div>
        <Status message={details.message} />
      </form>
      <form
        class="actions"
        aria-label="Price rules"
        onSubmit={(e) => {
          e.preventDefault();
          void prices.run(() => api.setPrice(model.slug, rules.map(fromDraft)), 'Prices saved').then((ok) => ok && onSaved());
        }}
      >
        <h3>Price rules</h3>
        <p class="hint">The most specific matching rule wins. A price is fixed credits, or a provider cost in USD turned into credits.</p>
        {rules.map((rule, i) => (
          <fieldset key={i} class="rule">
            <legend>Rule {i + 1}</legend>
            <div>
              <label for={`rule-${i}-mode`}>Mode</label>
              <select id={`rule-${i}-mode`} value={rule.mode} onChange={(e) => setRule(i, { mode: e.currentTarget.value })}>
                <option value="">every mode</option>
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for={`rule-${i}-match`}>Options (key=value, …)</label>
              <input id={`rule-${i}-match`} value={rule.match} placeholder="resolution=4k" onInput={(e) => setRule(i, { match: e.currentTarget.value })} />
            </div>
            <div>
              <label for={`rule-${i}-unit`}>Unit</label>
              <select id={`rule-${i}-unit`} value={rule.unit} onChange={(e) => setRule(i, { unit: e.currentTarget.value as RuleDraft['unit'] })}>
                <option value="credits">credits</option>
                <option value="usd">USD cost</option>
              </select>
            </div>
            <div>
              <label for={`rule-${i}-value`}>Price</label>
              <input
                id={`rule-${i}-value`}
                type="number"
                min={0}
                step={rule.unit === 'credits' ? 1 : 0.000001}
                required
                value={rule.value}
                onInput={(e) => setRule(i, { value: e.currentTarget.value })}
              />
            </div>
            {rules.length > 1 && (
              <button type="button" class="link" onClick={() => setRules(rules.filter((_, j) => j !== i))}>
                Remove rule {i + 1}
              </button>
            )}
          </fieldset>
        ))}
        <div class="row">
          <button type="button" onClick={() => setRules([...rules, { mode: '', match: '', unit: 'credits', value: '' }])}>
            Add rule
          </button>
          <button type="submit" class="primary" disabled={prices.busy}>
            Save prices
          </button>
        </div>
        <Status message={prices.message} />
      </form>
    </Section>
  );
}
