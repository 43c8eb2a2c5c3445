import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

export class RegisterOrLoginDto {
  @ApiProperty({ example: '123456789', description: 'Telegram user id as a string of digits' })
  @IsString()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'telegramId must be a positive integer given as a string' })
  telegramId: string;

  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  username?: string;

  @ApiPropertyOptional({ example: 'web-7f3a', description: 'Anonymous id from a web session, kept for merging' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  anonUserId?: string;

  @ApiPropertyOptional({ example: 'k3m9x2pq', description: 'Referral code of the inviter; applied only when this call creates the user' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  refCode?: string;
}

export class UpdateConsentDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  consentPd: boolean;
}

export class SyncUserDto {
  @ApiPropertyOptional({ example: 'ref_k3m9x2pq', description: 'Start parameter when initData has none (ref_<code> or src_<tag>)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  startParam?: string;
}
