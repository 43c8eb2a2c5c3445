type AbsentKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : undefined extends T[K] ? K : never }[keyof T];

/** `T` with every nullable field made optional and non-null: what `omitAbsent` returns. */
export type OmitAbsent<T> = { [K in Exclude<keyof T, AbsentKeys<T>>]: T[K] } & { [K in AbsentKeys<T>]?: NonNullable<T[K]> };

/**
 * Seed 001's OpenAPI types its optional fields as plain string / number, without null: a field
 * we have no value for is left out of the response rather than sent as null (hardening issue 7).
 */
export function omitAbsent<T extends object>(value: T): OmitAbsent<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)) as OmitAbsent<T>;
}
