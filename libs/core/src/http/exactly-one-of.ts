import type { FieldProblem } from './input-safety';

const EXACTLY_ONE_OF = Symbol('genbot:exactly-one-of');

/**
 * A DTO class decorator: of the named optional fields, a request gives exactly one (`telegramId`
 * or `userId`; `dataId` or `url`). Neither or both is a 400 naming the first field, checked by the
 * global validation pipe after the field rules, for nested DTOs too (`input[2].dataId`).
 * class-validator has no class-level rule, and a rule on one field is skipped when that field is
 * missing, which is half the cases.
 */
export function ExactlyOneOf(...fields: string[]): ClassDecorator {
  return (target) => {
    const groups: string[][] = Reflect.getOwnMetadata(EXACTLY_ONE_OF, target) ?? [...(Reflect.getMetadata(EXACTLY_ONE_OF, target) ?? [])];
    Reflect.defineMetadata(EXACTLY_ONE_OF, [...groups, fields], target);
  };
}

/** Every @ExactlyOneOf group broken in a validated DTO (and the DTOs nested in it), by field path. */
export function exactlyOneOfProblems(value: unknown, path = ''): FieldProblem[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => exactlyOneOfProblems(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null || value.constructor === Object) return [];
  const record = value as Record<string, unknown>;
  const groups: string[][] = Reflect.getMetadata(EXACTLY_ONE_OF, value.constructor) ?? [];
  const own = groups
    .filter((fields) => fields.filter((field) => record[field] !== undefined).length !== 1)
    .map((fields) => ({ field: `${path ? `${path}.` : ''}${fields[0]}`, problems: [`exactly one of ${fields.join(' or ')}`] }));
  const nested = Object.entries(record).flatMap(([key, child]) => exactlyOneOfProblems(child, path ? `${path}.${key}` : key));
  return [...own, ...nested];
}
