import { useEffect, useRef, useState } from 'preact/hooks';
import { api, Invoice, PaymentOutcome } from './api';
import { PaymentChoice, PaymentDialog } from './payment-dialog';

export const THEME = {
  bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#707579',
  link_color: '#3390ec',
  button_color: '#3390ec',
  button_text_color: '#ffffff',
  secondary_bg_color: '#f4f4f5',
};

interface MainButton {
  is_visible?: boolean;
  is_active?: boolean;
  is_progress_visible?: boolean;
  text?: string;
  color?: string;
  text_color?: string;
}

/**
 * The Mini App in a frame, with Telegram's side of its bridge: the page's events (`postMessage`
 * from the frame) are answered as a Telegram client answers them: theme and viewport, the main
 * and back buttons drawn here, invoices opened in the sandbox's payment sheet, links, close.
 */
export function MiniAppPanel({ url, userId, onClose }: { url: string; userId: number; onClose: () => void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [mainButton, setMainButton] = useState<MainButton>({});
  const [backButton, setBackButton] = useState(false);
  const [invoice, setInvoice] = useState<{ slug: string; details: Invoice }>();
  const origin = new URL(url).origin;
  const emit = (eventType: string, eventData?: unknown) => frame.current?.contentWindow?.postMessage(JSON.stringify({ eventType, eventData }), origin);

  useEffect(() => {
    const viewport = () => ({ height: frame.current?.clientHeight ?? 600, width: frame.current?.clientWidth ?? 400, is_expanded: true, is_state_stable: true });
    const insets = { top: 0, bottom: 0, left: 0, right: 0 };
    const listener = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow || typeof event.data !== 'string') return;
      let message: { eventType?: string; eventData?: Record<string, unknown> };
      try {
        message = JSON.parse(event.data) as typeof message;
      } catch {
        return;
      }
      const data = message.eventData ?? {};
      switch (message.eventType) {
        case 'web_app_request_theme':
          return emit('theme_changed', { theme_params: THEME });
        case 'web_app_request_viewport':
          return emit('viewport_changed', viewport());
        case 'web_app_request_safe_area':
          return emit('safe_area_changed', insets);
        case 'web_app_request_content_safe_area':
          return emit('content_safe_area_changed', insets);
        case 'web_app_setup_main_button':
          return setMainButton(data as MainButton);
        case 'web_app_setup_back_button':
          return setBackButton(data.is_visible === true);
        case 'web_app_open_link':
          return void window.open(String(data.url), '_blank', 'noopener');
        case 'web_app_close':
          return onClose();
        case 'web_app_open_invoice': {
          const slug = String(data.slug);
          api.invoiceLink(slug).then(
            (details) => setInvoice({ slug, details }),
            () => emit('invoice_closed', { slug, status: 'failed' }),
          );
          return;
        }
      }
    };
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
  }, [url]);

  const pay = async (choice: PaymentChoice) => {
    const { slug } = invoice!;
    setInvoice(undefined);
    if (choice === 'cancel') return emit('invoice_closed', { slug, status: 'cancelled' });
    const outcome: PaymentOutcome = await api.pay(userId, { slug }, choice === 'decline').catch(() => ({ status: 'unanswered' as const }));
    emit('invoice_closed', { slug, status: outcome.status === 'paid' ? 'paid' : 'failed' });
  };

  return (
    <aside class="mini-app" aria-label="Mini App">
      <div class="mini-app-header">
        {backButton ? (
          <button type="button" onClick={() => emit('back_button_pressed')} data-testid="mini-app-back">
            ‹ Back
          </button>
        ) : (
          <span>Mini App</span>
        )}
        <button type="button" onClick={onClose} aria-label="Close the Mini App">
          ✕
        </button>
      </div>
      <iframe ref={frame} src={url} title="Mini App" data-testid="mini-app-frame" allow="clipboard-write" />
      {mainButton.is_visible && (
        <button
          type="button"
          class="main-button"
          disabled={mainButton.is_active === false}
          style={{ background: mainButton.color, color: mainButton.text_color }}
          onClick={() => emit('main_button_pressed')}
          data-testid="mini-app-main-button"
        >
          {mainButton.is_progress_visible ? '…' : mainButton.text}
        </button>
      )}
      {invoice && <PaymentDialog invoice={invoice.details} onChoice={(choice) => void pay(choice)} />}
    </aside>
  );
}
