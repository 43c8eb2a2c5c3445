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
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problems = findUnsafeInput(value, metadata.data ?? '');
      if (problems.length > 0) throw validationFailed(problems);
    }
    const validated: unknown = await super.transform(value, metadata);
    const oneOf = exactlyOneOfProblems(validated);
    if (oneOf.length > 0) throw validationFailed(oneOf, oneOf.length === 1 ? `Give ${oneOf[0].problems[0]}` : undefined);
    return validated;
  }
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
