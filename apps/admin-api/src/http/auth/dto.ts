import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, IsUrl, Length, Matches, Max } from 'class-validator';
import { SAFE_INT_MAX } from '@genbot/core';

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

export class AdminDto {
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiPropertyOptional({ example: 'alice' }) username?: string;
  @ApiProperty({ example: 'Alice' }) firstName: string;
  @ApiProperty({ example: 'admin' }) role: 'admin';
}

export class LoginResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' }) accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 86400, description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ type: AdminDto }) admin: AdminDto;
}
