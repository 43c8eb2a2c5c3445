import { roleAtLeast } from './admin-role';

describe('roleAtLeast', () => {
  it('orders support < admin < owner, each role including the ones below it', () => {
    expect(roleAtLeast('owner', 'support')).toBe(true);
    expect(roleAtLeast('owner', 'owner')).toBe(true);
    expect(roleAtLeast('admin', 'support')).toBe(true);
    expect(roleAtLeast('admin', 'owner')).toBe(false);
    expect(roleAtLeast('support', 'admin')).toBe(false);
  });
});
