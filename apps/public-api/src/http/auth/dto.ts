import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsPositive, IsString, IsUrl, Length, Matches, Max, ValidateNested } from 'class-validator';
import { ExactlyOneOf, SAFE_INT_MAX } from '@genbot/core';

/** Exactly what the Telegram Login Widget hands the page after a login. */
export class LoginWidgetDto {
  @ApiProperty({ example: 123456789 }) @IsInt() @IsPositive() @Max(SAFE_INT_MAX) id: number;
  @ApiProperty({ example: 'Alice' }) @IsString() @Length(1, 256) first_name: string;
  @ApiPropertyOptional({ example: 'Smith' }) @IsOptional() @IsString() @Length(1, 256) last_name?: string;
  @ApiPropertyOptional({ example: 'alice' }) @IsOptional() @IsString() @Length(1, 64) username?: string;
  @ApiPropertyOptional({ example: 'https://t.me/i/userpic/320/alice.jpg' }) @IsOptional() @IsUrl() photo_url?: string;
  @ApiProperty({ example: 1764000000 }) @IsInt() @IsPositive() @Max(SAFE_INT_MAX) auth_date: number;
  @ApiProperty({ example: 'c0ffee…' }) @IsString() @Matches(/^[0-9a-f]{64}$/) hash: string;
}

@ExactlyOneOf('initData', 'loginWidget')
export class TelegramSignInDto {
  @ApiPropertyOptional({ description: 'Raw Mini App initData (window.Telegram.WebApp.initData)' }) @IsOptional() @IsString() @Length(1, 8192) initData?: string;
  @ApiPropertyOptional({ type: LoginWidgetDto, description: 'A Telegram Login Widget payload, for a web app outside Telegram' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoginWidgetDto)
  loginWidget?: LoginWidgetDto;
}

export class UserRefreshDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh' }) @IsString() @Length(1, 256) refreshToken: string;
}

export class SessionUserDto {
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiPropertyOptional({ nullable: true, example: 'alice' }) username: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Alice' }) firstName: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['uz', 'ru', 'en'] }) language: string | null;
  @ApiProperty({ description: 'Whether this sign-in created the account' }) created: boolean;
}

export class UserSessionDto {
  @ApiProperty({ description: 'Send as Authorization: Bearer <accessToken> to the Mini App endpoints' }) accessToken: string;
  @ApiProperty({ description: 'Valid 7 days, once: each refresh returns a new one, and reusing an old one ends the session' }) refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 3600 }) expiresIn: number;
  @ApiPropertyOptional({ type: SessionUserDto }) user?: SessionUserDto;
}
