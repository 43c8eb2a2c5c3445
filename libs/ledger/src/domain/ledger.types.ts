/**
 * System accounts, created by the ledger migration with fixed ids. Money enters users' accounts
 * from them and leaves to them, so the sum over all accounts is always zero.
 */
export const SYSTEM_ACCOUNTS = {
  purchases: '00000000-0000-4000-8000-000000000001',
  promotions: '00000000-0000-4000-8000-000000000002',
  bonuses: '00000000-0000-4000-8000-000000000003',
  generation_spend: '00000000-0000-4000-8000-000000000004',
  refunds: '00000000-0000-4000-8000-000000000005',
  adjustments: '00000000-0000-4000-8000-000000000006',
} as const;

export type SystemAccount = keyof typeof SYSTEM_ACCOUNTS;

/**
 * `generation_spend` is credited by every charge and hold, so it is split into 16 accounts (same
 * code; the first is the original) and each user always uses one of them: writers for different
 * users no longer queue on one row. Reports sum the accounts by code.
 */
export const GENERATION_SPEND_SHARDS: readonly string[] = [
  SYSTEM_ACCOUNTS.generation_spend,
  ...Array.from({ length: 15 }, (_, i) => `00000000-0000-4000-8004-${(i + 1).toString(16).padStart(12, '0')}`),
];

/** A user's credits account has the user's id. */
export type AccountRef = { userId: string } | { system: SystemAccount };

/** The account a ref names; a sharded system account is picked by the user on the other side. */
export function accountId(ref: AccountRef, counterpartUserId?: string): string {
  if ('userId' in ref) return ref.userId;
  if (ref.system === 'generation_spend' && counterpartUserId) return GENERATION_SPEND_SHARDS[shardOf(counterpartUserId, GENERATION_SPEND_SHARDS.length)];
  return SYSTEM_ACCOUNTS[ref.system];
}

const SYSTEM_ACCOUNT_IDS: ReadonlySet<string> = new Set([...Object.values(SYSTEM_ACCOUNTS), ...GENERATION_SPEND_SHARDS]);

/** Whether an account is a user's (its id is the user's), not one of the system accounts. */
export function isUserAccount(id: string): boolean {
  return !SYSTEM_ACCOUNT_IDS.has(id);
}

/** A stable shard for a UUID: its last 8 hex digits, which are random in v4 UUIDs. */
function shardOf(uuid: string, shards: number): number {
  return parseInt(uuid.slice(-8), 16) % shards;
}

/**
 * What a transfer is for. Seed 001's transaction types and seed 002's ledger entry types are
 * views of these (see `seed001Type`): charge/generation → charge, purchase → purchase (seed 002
 * deposit), gateway_payment, refund, admin_adjustment, referral_bonus, and the bonus kinds → promo.
 */
export const TRANSFER_KINDS = [
  'purchase',
  'gateway_payment',
  'promo',
  'welcome_bonus',
  'referral_bonus',
  'daily_bonus',
  'channel_bonus',
  'review_bonus',
  'lottery_prize',
  'admin_adjustment',
  'charge',
  'generation',
  'refund',
] as const;

export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** single = moves money now; pending = a hold; post / void resolve a hold. */
export type TransferPhase = 'single' | 'pending' | 'post' | 'void';

export interface Transfer {
  id: string;
  idempotencyKey: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  phase: TransferPhase;
  pendingId: string | null;
  timeoutAt: Date | null;
  kind: TransferKind;
  reference: string | null;
  meta: Record<string, unknown>;
  createdAt: Date;
}

export interface Balance {
  /** credits posted − debits posted */
  balance: number;
  /** pending debits (holds) */
  reserved: number;
  /** balance − reserved; never below zero */
  available: number;
}

export function seed001Type(transfer: Pick<Transfer, 'kind'>, userIsCredited: boolean): 'charge' | 'purchase' | 'refund' | 'promo' | 'gateway_payment' {
  switch (transfer.kind) {
    case 'purchase':
      return 'purchase';
    case 'gateway_payment':
      return 'gateway_payment';
    case 'refund':
      return 'refund';
    case 'charge':
    case 'generation':
      return 'charge';
    default:
      return userIsCredited ? 'promo' : 'charge';
  }
}
