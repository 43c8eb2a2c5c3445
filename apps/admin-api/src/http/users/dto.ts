import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { User } from '@genbot/users';

export const USERS_MAX_LIMIT = 200;

export class UserSearchQueryDto {
  @ApiPropertyOptional({ description: 'Telegram id, referral code, or username prefix (with or without @); empty lists the newest users' })
  @IsOptional()
  @IsString()
  @Length(0, 64)
  query?: string;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) offset?: number;
  @ApiPropertyOptional({ default: 50, maximum: USERS_MAX_LIMIT }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(USERS_MAX_LIMIT) limit?: number;
}

export class BanDto {
  @ApiPropertyOptional({ example: 'spam', description: 'Shown to the user and kept in the audit log' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class AdminUserDto {
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiPropertyOptional({ nullable: true }) username: string | null;
  @ApiPropertyOptional({ nullable: true }) firstName: string | null;
  @ApiPropertyOptional({ nullable: true }) lastName: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['uz', 'ru', 'en'] }) language: string | null;
  @ApiProperty({ example: 'k3m9x2pq' }) referralCode: string;
  @ApiPropertyOptional({ nullable: true, description: 'Advertising source (src_ start payload)' }) source: string | null;
  @ApiProperty() isBanned: boolean;
  @ApiPropertyOptional({ nullable: true }) banReason: string | null;
  @ApiProperty({ description: 'Whether the user has blocked the bot' }) blocked: boolean;
  @ApiPropertyOptional({ nullable: true }) lastActivityAt: string | null;
  @ApiProperty() createdAt: string;

  static from(user: User): AdminUserDto {
    return {
      telegramId: user.telegramId,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      language: user.language,
      referralCode: user.referralCode,
      source: user.advertisingSource,
      isBanned: user.isBanned,
      banReason: user.banReason,
      blocked: user.blockedAt !== null,
      lastActivityAt: user.lastActivityAt?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto] }) items: AdminUserDto[];
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty({ description: 'Whether another page follows' }) hasMore: boolean;
}

export class AdminUserDetailsDto extends AdminUserDto {
  @ApiProperty({ description: 'Credits posted' }) balance: number;
  @ApiProperty({ description: 'Credits held by running generations' }) reserved: number;
  @ApiProperty() available: number;
  @ApiProperty({ description: 'Users this user invited' }) referrals: number;
  @ApiPropertyOptional({ nullable: true, description: 'Telegram id of who invited this user' }) referrerId: string | null;
}
