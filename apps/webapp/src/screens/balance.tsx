import { useEffect, useState } from 'preact/hooks';
import type { Balance, StarsOption } from '../api';
import { useSession } from '../context';
import { creditWord } from '../i18n';
import { haptic, payInvoice } from '../telegram';

/** After `paid`, the credits arrive with the bot's successful_payment update: a few seconds at most. */
const SETTLE_POLLS = 20;
const SETTLE_POLL_MS = 1000;

export function BalanceScreen() {
  const { api, t, language, credits } = useSession();
  const [balance, setBalance] = useState<Balance | null>(null);
  const [options, setOptions] = useState<StarsOption[]>([]);
  const [buying, setBuying] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void api.balance().then(setBalance, () => undefined);
    void api.starsOptions().then(
      (answer) => setOptions(answer.options),
      () => undefined,
    );
  }, []);

  async function buy(option: StarsOption) {
    setBuying(option.slug);
    setMessage(null);
    try {
      const before = (await api.balance()).balance;
      const { invoice_link } = await api.starsInvoice(option.slug);
      const status = await payInvoice(invoice_link);
      if (status !== 'paid') {
        setMessage(t('balance.cancelled'));
        return;
      }
      haptic.success();
      setMessage(t('balance.paid'));
      for (let i = 0; i < SETTLE_POLLS; i++) {
        const now = await api.balance();
        setBalance(now);
        if (now.balance > before) {
          setMessage(t('balance.credited', { n: credits(now.balance - before) }));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      }
    } catch (e) {
      haptic.error();
      setMessage(t('error.generic', { m: (e as Error).message }));
    } finally {
      setBuying(null);
    }
  }

  const badge = (name: string) => (name === 'popular' || name === 'best_value' ? t(`badge.${name}`) : name.replace(/_/g, ' '));
  return (
    <section>
      <h1>{t('balance.title')}</h1>
      <p class="balance" aria-live="polite">
        <strong data-testid="balance">{balance ? balance.balance : '…'}</strong> {creditWord(language, balance?.balance ?? 0)}
      </p>
      {balance && balance.reserved > 0 && (
        <p class="hint">
          {balance.reserved} {t('balance.reserved')}
        </p>
      )}
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <h2>{t('balance.buy')}</h2>
      <div class="cards">
        {options.map((option) => (
          <button key={option.slug} type="button" class="card" data-tariff={option.slug} disabled={buying !== null} onClick={() => void buy(option)}>
            <strong>{credits(option.credits)}</strong>
            {option.badge && <span class="badge">{badge(option.badge)}</span>}
            <span class="price">{t('balance.stars', { n: option.stars })}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
