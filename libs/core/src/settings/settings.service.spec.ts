import { SettingDefaultsRegistry, SettingsError } from './setting-defaults.registry';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

// Only the defaults' bookkeeping: both cases fail before any query (reads are covered by the int and e2e suites).
describe('setting defaults', () => {
  it('refuses two libs giving one key different defaults (a boot error)', () => {
    const registry = new SettingDefaultsRegistry();
    registry.add({ a_rate: 10, a_list: ['x'] });
    expect(() => registry.add({ a_list: ['x'] })).not.toThrow();
    expect(() => registry.add({ a_rate: 11 })).toThrow(new SettingsError('Setting a_rate has two defaults: 10 and 11'));
  });

  it('refuses a key that no imported lib declares, instead of reading undefined', async () => {
    const settings = new SettingsService({} as SettingsRepository, new SettingDefaultsRegistry());
    await expect(settings.get('no_such_setting')).rejects.toThrow('Unknown setting no_such_setting');
  });
});
