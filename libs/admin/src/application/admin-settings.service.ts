import { Injectable } from '@nestjs/common';
import { SettingDefaultsRegistry, SettingsService } from '@genbot/core';
import { AuditActor } from '../domain/admin-role';
import { settingsInvalid } from '../domain/admin-ops.errors';
import { settingProblem } from '../domain/setting-validation';
import { AdminAudit } from './admin-audit.service';

/** Seed 002's system settings: every key a lib of this process declares, changed only to a value of its default's type. */
@Injectable()
export class AdminSettingsService {
  constructor(
    private readonly settings: SettingsService,
    private readonly defaults: SettingDefaultsRegistry,
    private readonly audit: AdminAudit,
  ) {}

  all(): Promise<Record<string, unknown>> {
    return this.settings.all();
  }

  /** All or nothing: one unknown key or wrong value refuses the whole patch, naming each. */
  async update(actor: AuditActor, values: Record<string, unknown>): Promise<Record<string, unknown>> {
    const known = new Map(this.defaults.entries());
    const problems = Object.entries(values).flatMap(([key, value]) => {
      if (!known.has(key)) return [{ field: key, problems: ['is not a setting'] }];
      const problem = settingProblem(known.get(key), value);
      return problem ? [{ field: key, problems: [problem] }] : [];
    });
    if (Object.keys(values).length === 0) problems.push({ field: 'body', problems: ['names no setting'] });
    if (problems.length > 0) throw settingsInvalid(problems);
    await this.settings.setAudited(values, (em, before) =>
      this.audit.recordBy(em, actor, { action: 'settings.update', targetType: 'settings', targetId: 'system', before, after: values }),
    );
    return this.settings.all();
  }
}
