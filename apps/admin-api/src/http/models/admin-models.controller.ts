import { Body, Controller, Get, Param, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminModelsService } from '@genbot/admin';
import { DomainError } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { AdminModelDto, PatchModelDto, PutPriceDto } from './dto';

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function slugOf(value: string): string {
  if (!SLUG.test(value))
    throw new DomainError('VALIDATION_FAILED', 'slug must be a model slug', { fields: [{ field: 'slug', problems: ['must be a model slug'] }] });
  return value;
}

/** Seed 002's model management; support reads, admin edits. Each change drops the catalog in every process. */
@ApiTags('Models')
@Controller('api/v1/admin/models')
export class AdminModelsController {
  constructor(private readonly models: AdminModelsService) {}

  @Get()
  @AdminRoleRequired('support')
  @ApiOperation({ summary: 'Every model, active and inactive, with its prices and generation count' })
  @ApiOkResponse({ type: [AdminModelDto] })
  async list(): Promise<AdminModelDto[]> {
    return (await this.models.list()).map(AdminModelDto.from);
  }

  @Patch(':slug')
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: 'Turn a model on or off, rename it, or move it in the list' })
  @ApiOkResponse({ type: AdminModelDto })
  async update(@CurrentAdmin() actor: CurrentAdminContext, @Param('slug') slug: string, @Body() body: PatchModelDto): Promise<AdminModelDto> {
    if (body.isActive === undefined && body.name === undefined && body.sort === undefined)
      throw new DomainError('VALIDATION_FAILED', 'Name at least one of isActive, name, sort', {
        fields: [{ field: 'body', problems: ['names nothing to change'] }],
      });
    return AdminModelDto.from(await this.models.update(actor, slugOf(slug), { isActive: body.isActive, displayName: body.name, sortOrder: body.sort }));
  }

  @Put(':slug/price')
  @AdminRoleRequired('admin')
  @ApiOperation({ summary: "Replace a model's price rules" })
  @ApiOkResponse({ type: AdminModelDto })
  async setPrice(@CurrentAdmin() actor: CurrentAdminContext, @Param('slug') slug: string, @Body() body: PutPriceDto): Promise<AdminModelDto> {
    return AdminModelDto.from(await this.models.setPrices(actor, slugOf(slug), body.toRules()));
  }
}
