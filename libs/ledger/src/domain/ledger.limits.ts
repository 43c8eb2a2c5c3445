/**
 * Bounds that keep every ledger counter exact and inside PostgreSQL's bigint. Counters only grow
 * (they sum every transfer an account ever took part in), so without a bound 1 024 transfers of
 * 2^53 overflowed a system account's counter and every later transfer through it failed.
 *
 * - Each counter stays ≤ ACCOUNT_COUNTER_MAX (a CHECK on ledger_accounts), below 2^53, so a
 *   balance read into a JS number is exact; a transfer that would pass it is refused whole.
 * - Each transfer moves ≤ LEDGER_MAX_TRANSFER_CREDITS (config, default 10^12, at most
 *   TRANSFER_CREDITS_CEILING), so `counter + amount` never leaves bigint even in the statement
 *   that the CHECK then refuses.
 */
export const ACCOUNT_COUNTER_MAX = 9_000_000_000_000_000;
export const TRANSFER_CREDITS_CEILING = 1_000_000_000_000_000;
