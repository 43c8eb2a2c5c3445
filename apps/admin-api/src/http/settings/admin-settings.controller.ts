import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminSettingsService } from '@genbot/admin';
import { DomainError } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';

const EXAMPLE = { referral_percent: 10, max_active_generations_per_user: 3 };

/** Seed 002's system settings; support reads, admin changes. */
@ApiTags('Settings')
@Controller('api/v1/admin/settings')
export class AdminSettingsController {
  constructor(private readonly settings: AdminSettingsService) {}

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'Every setting with its value (stored, else the default)' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true, example: EXAMPLE } })
  all(): Promise<Record<string, unknown>> {
    return this.settings.all();
  }

  @Patch()
  @AdminRoleRequired('admin')
  @ApiOperation({
    summary:
      "Change settings `{key: value, …}`; each value must have its default's type. An unknown key or a wrong type is a 400 naming it, and nothing changes",
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: EXAMPLE } })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true, example: EXAMPLE } })
  update(@CurrentAdmin() actor: CurrentAdminContext, @Body() body: unknown): Promise<Record<string, unknown>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new DomainError('VALIDATION_FAILED', 'The body must be an object of settings', { fields: [{ field: 'body', problems: ['must be an object'] }] });
    return this.settings.update(actor, body as Record<string, unknown>);
  }
}
