/**
 * The one error type libs throw. `code` is SNAKE_CASE and stable (clients and the bot switch on
 * it); each HTTP app maps codes to statuses in one place, the bot maps them to localized text.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
