import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ADMIN_ROLES, AUDIT_MAX_LIMIT, AdminRole } from '@genbot/admin';
import { IsTelegramId } from '@genbot/core';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: "The acting admin's Telegram id" }) @IsOptional() @IsTelegramId({ strings: true }) actor?: string;
  @ApiPropertyOptional({ description: '`type:id` (user:123456789) or a type alone (user)', example: 'admin:123456789' })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}(:[\w.-]{1,128})?$/, { message: 'must be type or type:id' })
  target?: string;
  @ApiPropertyOptional({ example: 'admin.add' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,64}$/, { message: 'must be an action name like admin.add' })
  action?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'must be the nextCursor of a previous page' })
  cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: AUDIT_MAX_LIMIT }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(AUDIT_MAX_LIMIT) limit?: number;
}

export class AuditRecordDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: '123456789' }) actorTelegramId: string;
  @ApiProperty({ enum: ADMIN_ROLES }) actorRole: AdminRole;
  @ApiProperty({ example: 'admin.add' }) action: string;
  @ApiProperty({ example: 'admin' }) targetType: string;
  @ApiProperty({ example: '987654321' }) targetId: string;
  @ApiPropertyOptional({ nullable: true }) before: unknown;
  @ApiPropertyOptional({ nullable: true }) after: unknown;
  @ApiPropertyOptional({ nullable: true }) requestId: string | null;
  @ApiPropertyOptional({ nullable: true }) ip: string | null;
  @ApiProperty() createdAt: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRecordDto] }) items: AuditRecordDto[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as cursor for the next page; null on the last page' }) nextCursor: string | null;
}
