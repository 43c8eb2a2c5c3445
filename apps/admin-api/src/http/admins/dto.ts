import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsTelegramId } from '@genbot/core';
import { ADMIN_ROLES, AdminRole } from '@genbot/admin';

export class AddAdminDto {
  @ApiProperty({ example: '123456789', description: 'Telegram user id' }) @IsTelegramId({ strings: true }) telegramId: string;
  @ApiProperty({ enum: ADMIN_ROLES }) @IsIn(ADMIN_ROLES) role: AdminRole;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ADMIN_ROLES }) @IsIn(ADMIN_ROLES) role: AdminRole;
}

export class AdminEntryDto {
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiProperty({ enum: ADMIN_ROLES }) role: AdminRole;
  @ApiProperty({ enum: ['config', 'api'], description: 'config: an owner from ADMIN_TELEGRAM_IDS, changed only there' }) source: 'config' | 'api';
  @ApiPropertyOptional({ example: '42', nullable: true }) addedBy: string | null;
  @ApiPropertyOptional({ nullable: true }) createdAt: string | null;
}

export class AdminListDto {
  @ApiProperty({ type: [AdminEntryDto] }) items: AdminEntryDto[];
}
