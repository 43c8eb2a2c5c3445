import type { Invoice } from './api';

export type PaymentChoice = 'pay' | 'decline' | 'cancel';

/** Telegram's payment sheet, played: pay, a payment that fails after the bot's yes, or closing it. */
export function PaymentDialog({ invoice, onChoice }: { invoice: Invoice; onChoice: (choice: PaymentChoice) => void }) {
  return (
    <div class="dialog-backdrop">
      <div class="dialog" role="dialog" aria-label="Payment" data-testid="payment-dialog">
        <h2>{invoice.title}</h2>
        <p>{invoice.description}</p>
        <p class="total">
          {invoice.total_amount} {invoice.currency === 'XTR' ? 'Telegram Stars' : invoice.currency}
        </p>
        <p class="hint">The sandbox plays Telegram: the bot gets pre_checkout_query, then successful_payment. Nothing is charged.</p>
        <div class="dialog-buttons">
          <button type="button" onClick={() => onChoice('pay')} data-testid="confirm-payment">
            Pay
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => onChoice('decline')}
            data-testid="decline-payment"
            title="The bot confirms the order, then the payment fails"
          >
            Decline payment
          </button>
          <button type="button" class="secondary" onClick={() => onChoice('cancel')}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
