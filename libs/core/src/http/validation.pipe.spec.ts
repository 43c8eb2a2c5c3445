import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe } from './validation.pipe';

class OptionalQuery {
  @IsOptional() @IsString() telegram_id?: string;
  @IsOptional() @IsInt() limit = 20;
}

class RequiredQuery {
  @IsInt() @Min(1) page: number;
}

describe('createValidationPipe: query objects', () => {
  const query = (metatype: new () => object) => ({ type: 'query' as const, metatype, data: undefined });

  it('answers every empty query of a DTO with its own fresh instance, defaults included', async () => {
    const pipe = createValidationPipe();
    const first = await pipe.transform({}, query(OptionalQuery));
    const second = (await pipe.transform({}, query(OptionalQuery))) as OptionalQuery;
    expect(second).toBeInstanceOf(OptionalQuery);
    expect(second).toEqual(first);
    expect(second).toEqual({ limit: 20 });
    expect(second).not.toBe(first); // a handler may change what it got; the next request must not see it
    second.limit = 5;
    expect(await pipe.transform({}, query(OptionalQuery))).toEqual({ limit: 20 });
  });

  it('refuses an empty query every time when the DTO needs a field', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) await expect(pipe.transform({}, query(RequiredQuery))).rejects.toBeInstanceOf(DomainError);
  });

  it('still validates a query that has fields, after empty ones', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, query(OptionalQuery));
    await expect(pipe.transform({ telegram_id: 'a', extra: '1' }, query(OptionalQuery))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform({ telegram_id: 'a' }, query(OptionalQuery))).resolves.toEqual({ telegram_id: 'a', limit: 20 });
  });
});
