import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useSession } from '../context';
import { haptic } from '../telegram';

/** Shown only when the server has the daily bonus (App probes the endpoint). */
export function BonusScreen() {
  const { api, t, language, credits } = useSession();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function claim() {
    setBusy(true);
    try {
      const result = await api.claimBonus();
      haptic.success();
      setMessage(t('bonus.granted', { n: credits(result.granted), s: result.streak }));
    } catch (e) {
      haptic.error();
      const next = e instanceof ApiError && e.status === 409 ? (e.details?.nextClaimAt as string | undefined) : undefined;
      setMessage(
        e instanceof ApiError && e.status === 409
          ? t('bonus.already', { when: next ? new Date(next).toLocaleString(language) : '' })
          : t('error.generic', { m: (e as Error).message }),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>{t('bonus.title')}</h1>
      <p class="hint">{t('bonus.text')}</p>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <button type="button" class="primary" disabled={busy} onClick={() => void claim()}>
        {t('bonus.claim')}
      </button>
    </section>
  );
}
