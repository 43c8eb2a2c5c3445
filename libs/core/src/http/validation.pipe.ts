import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { exactlyOneOfProblems } from './exactly-one-of';
import { FieldProblem, findUnsafeInput } from './input-safety';

/**
 * Whitelist + forbid unknown fields; the 400 lists every offending field by its path. Before the
 * DTO rules, every body, query and path param (DTO or not, keys included) is checked for what
 * would otherwise reach PostgreSQL as a 500: NUL, lone surrogates, numbers past 2^53.
 */
export function createValidationPipe(): ValidationPipe {
  return new SafeInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/** The one "validation failed" error: a 400 naming each field and what is wrong with it. */
export function validationFailed(fields: FieldProblem[], message = 'Request validation failed'): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { fields });
}

class SafeInputValidationPipe extends ValidationPipe {
  /**
   * Query DTOs that an empty query satisfies, with what it became. Most GETs carry no query
   * string, and the answer for `{}` never changes: each such request gets a copy, not a rerun of
   * class-transformer and class-validator.
   */
  private readonly emptyQueries = new WeakMap<object, object>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const emptyQuery = metadata.type === 'query' && metadata.metatype !== undefined && isEmptyObject(value) ? metadata.metatype : undefined;
    const known = emptyQuery && this.emptyQueries.get(emptyQuery);
    if (known) return Object.assign(Object.create(Object.getPrototypeOf(known) as object) as object, known);
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problems = findUnsafeInput(value, metadata.data ?? '');
      if (problems.length > 0) throw validationFailed(problems);
    }
    const validated: unknown = await super.transform(value, metadata);
    const oneOf = exactlyOneOfProblems(validated);
    if (oneOf.length > 0) throw validationFailed(oneOf, oneOf.length === 1 ? `Give ${oneOf[0].problems[0]}` : undefined);
    if (emptyQuery && isPlainData(validated)) this.emptyQueries.set(emptyQuery, validated);
    return validated;
  }
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/** An object whose own values a shallow copy can share: nothing a handler could change in place. */
function isPlainData(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.values(value).every((field) => field === null || typeof field !== 'object');
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
