import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Admin, AdminsService } from '@genbot/admin';
import { TelegramIdParam } from '@genbot/core';
import { AdminRoleRequired, CurrentAdmin, CurrentAdminContext } from '../../auth/admin.guard';
import { AddAdminDto, AdminEntryDto, AdminListDto, ChangeRoleDto } from './dto';

/** Owners manage the other admins; every change is audited in its own transaction. */
@ApiTags('Admins')
@Controller('api/v1/admin/admins')
@AdminRoleRequired('owner')
export class AdminsController {
  constructor(private readonly admins: AdminsService) {}

  @Get()
  @ApiOperation({ summary: 'Every admin: configured owners and those added here' })
  @ApiOkResponse({ type: AdminListDto })
  async list(): Promise<AdminListDto> {
    return { items: (await this.admins.list()).map(toDto) };
  }

  @Post()
  @ApiOperation({ summary: 'Make a Telegram user an admin with a role' })
  @ApiOkResponse({ type: AdminEntryDto })
  async add(@CurrentAdmin() actor: CurrentAdminContext, @Body() body: AddAdminDto): Promise<AdminEntryDto> {
    return toDto(await this.admins.add(actor, body.telegramId, body.role));
  }

  @Patch(':telegramId')
  @ApiOperation({ summary: "Change an admin's role; it applies from their next request" })
  @ApiOkResponse({ type: AdminEntryDto })
  async changeRole(
    @CurrentAdmin() actor: CurrentAdminContext,
    @Param('telegramId', new TelegramIdParam('telegramId')) telegramId: string,
    @Body() body: ChangeRoleDto,
  ): Promise<AdminEntryDto> {
    return toDto(await this.admins.changeRole(actor, telegramId, body.role));
  }

  @Delete(':telegramId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an admin: their sessions end and their tokens stop working at once' })
  @ApiNoContentResponse()
  async remove(@CurrentAdmin() actor: CurrentAdminContext, @Param('telegramId', new TelegramIdParam('telegramId')) telegramId: string): Promise<void> {
    await this.admins.remove(actor, telegramId);
  }
}

function toDto(admin: Admin): AdminEntryDto {
  return { ...admin, createdAt: admin.createdAt?.toISOString() ?? null };
}
