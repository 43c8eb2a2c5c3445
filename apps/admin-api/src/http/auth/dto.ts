import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, IsUrl, Length, Matches, Max } from 'class-validator';
import { ADMIN_ROLES, AdminRole } from '@genbot/admin';
import { IsTelegramId, SAFE_INT_MAX } from '@genbot/core';

/** Exactly what the Telegram Login Widget hands the page after a login. */
export class TelegramLoginDto {
  @ApiProperty({ example: 123456789 }) @IsInt() @IsPositive() @Max(SAFE_INT_MAX) id: number;
  @ApiProperty({ example: 'Alice' }) @IsString() @Length(1, 256) first_name: string;
  @ApiPropertyOptional({ example: 'Smith' }) @IsOptional() @IsString() @Length(1, 256) last_name?: string;
  @ApiPropertyOptional({ example: 'alice' }) @IsOptional() @IsString() @Length(1, 64) username?: string;
  @ApiPropertyOptional({ example: 'https://t.me/i/userpic/320/alice.jpg' }) @IsOptional() @IsUrl() photo_url?: string;
  @ApiProperty({ example: 1764000000, description: 'Unix time of the login' }) @IsInt() @IsPositive() @Max(SAFE_INT_MAX) auth_date: number;
  @ApiProperty({ example: 'c0ffee…', description: 'Hex HMAC-SHA256 signed with the bot token' }) @IsString() @Matches(/^[0-9a-f]{64}$/) hash: string;
}

export class DevLoginDto {
  @ApiProperty({ example: '123456789', description: "An admin's Telegram id" }) @IsTelegramId() telegramId: string | number;
}

export class LoginOptionsDto {
  @ApiPropertyOptional({ nullable: true, example: 'genbot_bot', description: 'The bot the Login Widget signs in with (BOT_USERNAME)' }) botUsername:
    string | null;
  @ApiProperty({
    description: 'Whether POST /api/v1/admin/auth/dev-login works for this caller (NODE_ENV is not production, and the caller is on this machine)',
  })
  devLogin: boolean;
}

export class AdminDto {
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiPropertyOptional({ example: 'alice' }) username?: string;
  @ApiPropertyOptional({ example: 'Alice' }) firstName?: string;
  @ApiProperty({ enum: ADMIN_ROLES, example: 'admin' }) role: AdminRole;
}

export class RefreshTokenDto {
  @ApiProperty({ example: 'q3V…', description: 'The refresh token of the last login or refresh' }) @IsString() @Length(1, 256) refreshToken: string;
}

export class LoginResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' }) accessToken: string;
  @ApiProperty({ example: 'q3V…', description: 'Valid 7 days, once: each refresh returns a new one, and using an old one again ends the session' })
  refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires' }) expiresIn: number;
  @ApiProperty({ type: AdminDto }) admin: AdminDto;
}
