import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { DailyBonusClaim, DailyBonusStatus } from '@genbot/growth';

export class ClaimDailyBonusDto {
  @ApiPropertyOptional({
    example: 'Asia/Tashkent',
    description: "The user's IANA time zone; used only if they have never claimed (their days stay in their first zone)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;
}

export class DailyBonusClaimDto {
  @ApiProperty({ example: 10, description: 'Credits this claim granted' })
  granted: number;

  @ApiProperty({ example: 3, description: 'Consecutive local days claimed, this one included' })
  streak: number;

  @ApiProperty({ example: '2026-03-11T19:00:00.000Z', description: 'When the next local day (and claim) starts' })
  nextClaimAt: string;

  static from(claim: DailyBonusClaim): DailyBonusClaimDto {
    return { granted: claim.granted, streak: claim.streak, nextClaimAt: claim.nextClaimAt.toISOString() };
  }
}

export class DailyBonusStatusDto {
  @ApiProperty() claimedToday: boolean;

  @ApiProperty({ example: 2, description: 'The streak still alive (claimed today or yesterday), else 0' })
  streak: number;

  @ApiProperty({ example: '2026-03-11T19:00:00.000Z', description: 'When a claim opens (now, when not claimed today)' })
  nextClaimAt: string;

  @ApiProperty({ example: 10, description: 'What the next claim grants' })
  nextCredits: number;

  static from(status: DailyBonusStatus): DailyBonusStatusDto {
    return { claimedToday: status.claimedToday, streak: status.streak, nextClaimAt: status.nextClaimAt.toISOString(), nextCredits: status.nextCredits };
  }
}
