import { randomUUID } from 'node:crypto';
import { GENERATION_SPEND_SHARDS, SYSTEM_ACCOUNTS, accountId } from './ledger.types';

describe('accountId', () => {
  it('keeps each user on one generation_spend shard and spreads users over all sixteen', () => {
    const users = Array.from({ length: 2000 }, () => randomUUID());
    for (const user of users.slice(0, 50)) expect(accountId({ system: 'generation_spend' }, user)).toBe(accountId({ system: 'generation_spend' }, user));
    const used = new Set(users.map((user) => accountId({ system: 'generation_spend' }, user)));
    expect([...used].sort()).toEqual([...GENERATION_SPEND_SHARDS].sort());
  });

  it('leaves other system accounts and user accounts as they are', () => {
    const user = randomUUID();
    expect(accountId({ system: 'promotions' }, user)).toBe(SYSTEM_ACCOUNTS.promotions);
    expect(accountId({ userId: user })).toBe(user);
    expect(accountId({ system: 'generation_spend' })).toBe(SYSTEM_ACCOUNTS.generation_spend);
  });
});
