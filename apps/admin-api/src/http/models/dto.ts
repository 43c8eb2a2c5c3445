import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AdminModel } from '@genbot/admin';
import { ExactlyOneOf, INT4_MAX } from '@genbot/core';
import type { CatalogModel, PriceRule } from '@genbot/generations';

export class PatchModelDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isActive?: boolean;
  @ApiPropertyOptional({ example: 'Nano Banana' }) @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({ description: 'Display order, lowest first' }) @IsOptional() @IsInt() @Min(0) @Max(INT4_MAX) sort?: number;
}

@ExactlyOneOf('credits', 'usd')
export class PriceRuleDto {
  @ApiPropertyOptional({ enum: ['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'], nullable: true, description: 'Only this mode; omitted: every mode' })
  @IsOptional()
  @IsIn(['t2i', 'i2i', 'tool', 'tts', 'i2v', 'talking_head'])
  mode?: string;
  @ApiPropertyOptional({ example: { resolution: '4k' }, description: 'Options this rule applies to; the most specific matching rule wins' })
  @IsOptional()
  @IsObject()
  match?: Record<string, string>;
  @ApiPropertyOptional({ example: 38, description: 'A fixed price in credits (a non-negative integer)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  credits?: number;
  @ApiPropertyOptional({ example: 0.034, description: 'A provider cost in USD, turned into credits by credits_per_usd' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 6 })
  @Min(0)
  @Max(1_000_000)
  usd?: number;
}

export class PutPriceDto {
  @ApiProperty({ type: [PriceRuleDto], description: "Replaces all of the model's price rules" })
  @ValidateNested({ each: true })
  @Type(() => PriceRuleDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  rules: PriceRuleDto[];

  toRules(): PriceRule[] {
    return this.rules.map((rule) => ({
      mode: (rule.mode ?? null) as PriceRule['mode'],
      match: rule.match ?? {},
      credits: rule.credits ?? null,
      usd: rule.usd ?? null,
    }));
  }
}

export class AdminModelDto {
  @ApiProperty({ example: 'nano-banana' }) slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['image', 'video', 'audio', 'tool'] }) kind: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty() sort: number;
  @ApiProperty({ example: 'wavespeed' }) provider: string;
  @ApiProperty({ example: [{ mode: null, match: {}, credits: 38, usd: null }] }) prices: PriceRule[];
  @ApiPropertyOptional({ description: 'Generations made with it, all time' }) generationCount?: number;

  static from(model: CatalogModel | AdminModel): AdminModelDto {
    return {
      slug: model.slug,
      name: model.displayName,
      kind: model.kind,
      isActive: model.isActive,
      sort: model.sortOrder,
      provider: model.provider,
      prices: model.prices,
      ...('generationCount' in model ? { generationCount: model.generationCount } : {}),
    };
  }
}
