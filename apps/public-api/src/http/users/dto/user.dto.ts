import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { User } from '@genbot/users';
import { omitAbsent } from '../../omit-absent';

/** Seed 001's `User` schema, field for field; a field with no value is omitted, never null. */
export class ServiceUserDto {
  @ApiProperty({ format: 'uuid', example: '8d0f6c1e-2a53-4c1b-9b0e-4f5b3f1f9a10' }) id: string;
  @ApiProperty({ example: '123456789', description: 'Telegram user id, as a string (ids may exceed 2^53)' }) telegramId: string;
  @ApiPropertyOptional({ example: 'alice' }) username?: string;
  @ApiPropertyOptional({ example: 'web-7f3a' }) anonUserId?: string;
  @ApiPropertyOptional({ example: 'alice@example.com' }) email?: string;
  @ApiPropertyOptional({ example: 'https://t.me/i/userpic/320/alice.jpg' }) avatarUrl?: string;
  @ApiProperty({ example: 120, description: 'Credits balance (posted; holds not subtracted)' }) balanceTokens: number;
  @ApiProperty({ example: 'k3m9x2pq', description: 'This user’s referral code (start payload `ref_<code>`)' }) refCode: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Who invited this user; absent when nobody did' }) referrerId?: string;
  @ApiProperty({ example: false, description: 'Whether the user’s review has been accepted' }) hasLeftReview: boolean;
  @ApiProperty({ example: false }) consentPd: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(user: User, balanceTokens: number): ServiceUserDto {
    return omitAbsent({
      id: user.id,
      telegramId: user.telegramId,
      username: user.username,
      anonUserId: user.anonUserId,
      email: user.email,
      avatarUrl: user.avatarUrl,
      balanceTokens,
      refCode: user.referralCode,
      referrerId: user.referrerId,
      hasLeftReview: user.reviewedAt !== null,
      consentPd: user.consentPd,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    });
  }
}

/** What the Mini App gets back from `POST /users/sync`. */
export class ProfileDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '123456789' }) telegramId: string;
  @ApiPropertyOptional({ nullable: true, example: 'alice' }) username: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Alice' }) firstName: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Smith' }) lastName: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'en', description: 'Language Telegram reports' }) languageCode: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['uz', 'ru', 'en'], description: 'Language chosen in the bot' }) language: string | null;
  @ApiProperty({ example: 'k3m9x2pq' }) referralCode: string;
  @ApiProperty({ example: false }) consentPd: boolean;
  @ApiProperty({ example: true, description: 'True when this call registered the user' }) created: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(user: User, created: boolean): ProfileDto {
    return {
      id: user.id,
      telegramId: user.telegramId,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      languageCode: user.languageCode,
      language: user.language,
      referralCode: user.referralCode,
      consentPd: user.consentPd,
      created,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class ReferralInfoDto {
  @ApiProperty({ example: 'k3m9x2pq' }) referralCode: string;
  @ApiPropertyOptional({ nullable: true, example: 'https://t.me/genbot_bot?start=ref_k3m9x2pq', description: 'Null while BOT_USERNAME is unset' })
  referralLink: string | null;
  @ApiProperty({ example: 3 }) invitedCount: number;
  @ApiProperty({ example: 1, description: 'Invited users who have paid at least once' }) paidCount: number;
  @ApiProperty({ example: 100, description: 'Credits earned from referrals' }) earnedCredits: number;
}
