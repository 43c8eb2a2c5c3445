import { useEffect, useState } from 'preact/hooks';
import type { Referrals } from '../api';
import { useSession } from '../context';
import { share } from '../telegram';

export function InviteScreen() {
  const { api, t } = useSession();
  const [info, setInfo] = useState<Referrals | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    void api.referrals().then(setInfo, () => undefined);
  }, []);

  if (!info) return <p class="hint">{t('loading')}</p>;
  const link = info.referralLink;
  return (
    <section>
      <h1>{t('invite.title')}</h1>
      <p class="hint">{t('invite.text')}</p>
      <dl class="stats">
        <div>
          <dt>{t('invite.invited')}</dt>
          <dd data-testid="invited">{info.invitedCount}</dd>
        </div>
        <div>
          <dt>{t('invite.paid')}</dt>
          <dd>{info.paidCount}</dd>
        </div>
        <div>
          <dt>{t('invite.earned')}</dt>
          <dd>{info.earnedCredits}</dd>
        </div>
      </dl>
      {link ? (
        <div class="field">
          <span>{t('invite.link')}</span>
          <code class="link-box" data-testid="referral-link">
            {link}
          </code>
          <div class="row">
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(link).then(
                  () => setCopied(true),
                  () => undefined,
                )
              }
            >
              {copied ? t('invite.copied') : t('invite.copy')}
            </button>
            <button type="button" class="primary" onClick={() => share(link, t('invite.text'))}>
              {t('invite.share')}
            </button>
          </div>
        </div>
      ) : (
        <p class="hint">{t('invite.noLink')}</p>
      )}
    </section>
  );
}
