import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { ExactlyOneOf } from './exactly-one-of';
import { createValidationPipe } from './validation.pipe';

@ExactlyOneOf('dataId', 'url')
class InputDto {
  @IsOptional() @IsString() dataId?: string;
  @IsOptional() @IsString() url?: string;
}

@ExactlyOneOf('telegramId', 'userId')
class TargetDto {
  @IsOptional() @IsString() telegramId?: string;
  @IsOptional() @IsString() userId?: string;
}

class SpendDto extends TargetDto {
  @IsOptional() @ValidateNested({ each: true }) @Type(() => InputDto) input?: InputDto[];
}

const validate = (body: unknown) => createValidationPipe().transform(body, { type: 'body', metatype: SpendDto });
const problemsOf = async (body: unknown) => {
  const error = await validate(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return { message: (error as DomainError).message, fields: (error as DomainError).details?.fields };
};

describe('@ExactlyOneOf', () => {
  it('passes exactly one, inherited by subclasses and checked in nested DTOs', async () => {
    await expect(validate({ telegramId: '1', input: [{ url: 'u' }, { dataId: 'd' }] })).resolves.toBeInstanceOf(SpendDto);
  });

  it('refuses neither and both with a 400 naming the first field', async () => {
    expect(await problemsOf({})).toEqual({
      message: 'Give exactly one of telegramId or userId',
      fields: [{ field: 'telegramId', problems: ['exactly one of telegramId or userId'] }],
    });
    expect((await problemsOf({ telegramId: '1', userId: 'u' })).fields).toEqual([{ field: 'telegramId', problems: ['exactly one of telegramId or userId'] }]);
  });

  it('names the nested element by its path', async () => {
    expect((await problemsOf({ userId: 'u', input: [{ url: 'u' }, { url: 'u', dataId: 'd' }] })).fields).toEqual([
      { field: 'input[1].dataId', problems: ['exactly one of dataId or url'] },
    ]);
  });
});
