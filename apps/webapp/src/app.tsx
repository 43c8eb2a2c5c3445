import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from './api';
import { SessionContext, Tab } from './context';
import { creditsText, languageOf, translator } from './i18n';
import { BalanceScreen } from './screens/balance';
import { BonusScreen } from './screens/bonus';
import { CreateScreen } from './screens/create';
import { GenerationsScreen } from './screens/generations';
import { InviteScreen } from './screens/invite';
import { ToolsScreen } from './screens/tools';
import { Launch, haptic, showBackButton } from './telegram';

const TABS: Tab[] = ['create', 'generations', 'tools', 'balance', 'invite', 'bonus'];

export function App({ launch }: { launch: Launch | null }) {
  const [unauthorized, setUnauthorized] = useState(launch === null);
  const [tab, setTab] = useState<Tab>('create');
  const [notice, setNotice] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [bonus, setBonus] = useState(false);
  const [language, setLanguage] = useState(languageOf(launch?.languageCode ?? navigator.language));
  const t = useMemo(() => translator(language), [language]);

  const api = useMemo(
    () =>
      launch &&
      new Api(launch.initData, launch.telegramId, (error: ApiError) => {
        // 401: the initData is missing, forged or too old; only reopening from the bot helps.
        if (error.status === 401) setUnauthorized(true);
        if (error.status === 402) {
          setNotice('balance.short');
          setTab('balance');
        }
      }),
    [launch],
  );

  useEffect(() => {
    if (!api) return;
    api
      .sync()
      .then((profile) => {
        setLanguage(languageOf(profile.language ?? profile.languageCode ?? launch?.languageCode));
        setReady(true);
      })
      .catch(() => undefined);
    void api.bonusAvailable().then(setBonus);
  }, [api]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Telegram's back button leads home from every other screen.
  useEffect(() => (tab === 'create' ? undefined : showBackButton(() => setTab('create'))), [tab]);

  if (unauthorized || !api)
    return (
      <main class="screen center" data-screen="unauthorized">
        <h1>{t('auth.title')}</h1>
        <p class="hint">{t('auth.text')}</p>
      </main>
    );
  if (!ready)
    return (
      <main class="screen center" aria-busy="true">
        <p class="hint">{t('loading')}</p>
      </main>
    );

  const go = (next: Tab) => {
    haptic.tap();
    setNotice(null);
    setTab(next);
  };
  const tabs = TABS.filter((name) => name !== 'bonus' || bonus);
  return (
    <SessionContext.Provider value={{ api, t, language, go, credits: (n) => creditsText(language, n) }}>
      <main class="screen" data-screen={tab}>
        {notice && (
          <p class="notice" role="status">
            {t(notice as 'balance.short')}
          </p>
        )}
        {tab === 'create' && <CreateScreen />}
        {tab === 'generations' && <GenerationsScreen />}
        {tab === 'tools' && <ToolsScreen />}
        {tab === 'balance' && <BalanceScreen />}
        {tab === 'invite' && <InviteScreen />}
        {tab === 'bonus' && <BonusScreen />}
      </main>
      <nav class="tabs" aria-label="genbot">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            class={name === tab ? 'tab active' : 'tab'}
            aria-current={name === tab ? 'page' : undefined}
            onClick={() => go(name)}
          >
            {t(`tab.${name}`)}
          </button>
        ))}
      </nav>
    </SessionContext.Provider>
  );
}
