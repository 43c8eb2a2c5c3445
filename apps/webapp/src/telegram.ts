import {
  backButton,
  downloadFile,
  hapticFeedback,
  init,
  invoice,
  mainButton,
  miniApp,
  retrieveRawInitData,
  shareURL,
  targetOrigin,
  themeParams,
  viewport,
} from '@telegram-apps/sdk';

/** Who opened the Mini App, as Telegram's launch parameters say. */
export interface Launch {
  /** Raw initData: sent with every API call, verified by public-api. */
  initData: string;
  telegramId: string;
  firstName: string;
  languageCode: string | undefined;
}

/** Runs a bridge call that an older client (or a plain browser) may not support; its absence is not an error. */
function safely<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

/**
 * Reads the launch parameters Telegram put in the URL (or session storage after a reload) and
 * connects to the client: theme colours as CSS variables, viewport, main and back buttons.
 * Null when the page was not opened from Telegram: there is no initData to call the API with.
 */
export function startTelegram(): Launch | null {
  const initData = safely(() => retrieveRawInitData());
  if (!initData) return null;
  const user = safely(
    () => JSON.parse(new URLSearchParams(initData).get('user') ?? 'null') as { id: number; first_name?: string; language_code?: string } | null,
  );
  if (!user) return null;
  // genbot's sandbox (`npm start` without a bot token) shows the Mini App in a frame of its own page
  // and plays Telegram's side of the bridge; it says where it is, as Telegram's clients never do.
  const sandbox = new URLSearchParams(location.hash.slice(1)).get('genbotSandboxOrigin');
  if (sandbox && /^https?:\/\/[\w.-]+(:\d+)?$/.test(sandbox)) safely(() => targetOrigin.set(sandbox));
  safely(() => init());
  safely(() => {
    themeParams.mountSync();
    themeParams.bindCssVars();
    document.documentElement.dataset.theme = themeParams.isDark() ? 'dark' : 'light';
  });
  safely(() => {
    miniApp.mountSync();
    miniApp.bindCssVars();
  });
  safely(() =>
    viewport.mount().then(
      () => safely(() => viewport.bindCssVars()),
      () => undefined,
    ),
  );
  safely(() => viewport.expand());
  safely(() => mainButton.mount());
  safely(() => backButton.mount());
  safely(() => miniApp.ready());
  return { initData, telegramId: String(user.id), firstName: user.first_name ?? '', languageCode: user.language_code };
}

/** Telegram's own button at the bottom of the screen; returns the function that takes it away. */
export function showMainButton(text: string, onClick: () => void, enabled = true): () => void {
  const off = safely(() => {
    mainButton.setParams({ text, isVisible: true, isEnabled: enabled });
    return mainButton.onClick(onClick);
  });
  return () => {
    off?.();
    safely(() => mainButton.setParams({ isVisible: false }));
  };
}

export function mainButtonAvailable(): boolean {
  return safely(() => mainButton.isMounted()) ?? false;
}

export function showBackButton(onClick: () => void): () => void {
  const off = safely(() => {
    backButton.show();
    return backButton.onClick(onClick);
  });
  return () => {
    off?.();
    safely(() => backButton.hide());
  };
}

export const haptic = {
  tap: () => safely(() => hapticFeedback.impactOccurred('light')),
  success: () => safely(() => hapticFeedback.notificationOccurred('success')),
  error: () => safely(() => hapticFeedback.notificationOccurred('error')),
};

/** Opens a Stars invoice inside Telegram; resolves with how it closed (`paid`, `cancelled`, `failed`, `pending`). */
export async function payInvoice(link: string): Promise<string> {
  return String(await invoice.open(link, 'url'));
}

export function share(url: string, text: string): void {
  if (safely(() => shareURL(url, text)) === undefined) void navigator.share?.({ url, text }).catch(() => undefined);
}

/** Telegram's download sheet (Bot API 8.0); a plain link elsewhere. */
export function download(url: string, fileName: string): void {
  const started = safely(() => downloadFile(url, fileName));
  if (started) return void started.catch(() => window.open(url, '_blank'));
  window.open(url, '_blank');
}
