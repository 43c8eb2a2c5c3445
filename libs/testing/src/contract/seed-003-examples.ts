import { readFileSync } from 'node:fs';
import { findSeedFile } from './seed-spec';

/** Seed 003's request and response examples (its README has no schema: the examples are the contract). */
export interface Seed003Examples {
  createUserRequest: Record<string, unknown>;
  createUserResponse: Record<string, unknown>;
  generateResponse: Record<string, unknown>;
  getUserResponse: Record<string, unknown>;
  createPaymentRequest: Record<string, unknown>;
  createPaymentResponse: Record<string, unknown>;
}

/**
 * Reads the examples out of seed 003's text: the ```json blocks are the responses in the order the
 * README gives them (create user, generate, get user, create payment), and the curl `-d '…'`
 * bodies are the JSON requests (create user, create payment).
 */
export function loadSeed003Examples(file = findSeedFile('003')): Seed003Examples {
  return parseSeed003Examples(readFileSync(file, 'utf8'));
}

export function parseSeed003Examples(text: string): Seed003Examples {
  const responses = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
  const requests = [...text.matchAll(/-d '(\{[\s\S]*?\})'\n/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
  if (responses.length !== 4 || requests.length !== 2)
    throw new Error(`seed 003: expected 4 JSON responses and 2 curl bodies, found ${responses.length} and ${requests.length}`);
  const [createUserResponse, generateResponse, getUserResponse, createPaymentResponse] = responses;
  const [createUserRequest, createPaymentRequest] = requests;
  return { createUserRequest, createUserResponse, generateResponse, getUserResponse, createPaymentRequest, createPaymentResponse };
}

const PYTHON_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * What is wrong with `actual` as a body shaped like the seed's `examples` of it (empty: nothing):
 * exactly the examples' keys, each value of a JSON type some example gives it (a null in one example
 * and a string in another allow both), the seed's time format where it shows a time, the `ref_`
 * form where it shows one, arrays of what its arrays hold, and objects where it has objects.
 * `nullable` names fields the examples happen to fill that a user may lack (an inviter, a source).
 */
export function seed003ShapeProblems(actual: unknown, examples: Record<string, unknown>[], options: { nullable?: string[] } = {}): string[] {
  if (kindOf(actual) !== 'object') return [`expected an object, got ${kindOf(actual)}`];
  const body = actual as Record<string, unknown>;
  const problems: string[] = [];
  const keys = [...new Set(examples.flatMap((example) => Object.keys(example)))];
  for (const key of Object.keys(body)) if (!keys.includes(key)) problems.push(`${key}: not in the seed`);
  for (const key of keys) {
    if (!(key in body)) {
      problems.push(`${key}: missing`);
      continue;
    }
    const value = body[key];
    const samples = examples.filter((example) => key in example).map((example) => example[key]);
    const kinds = new Set(samples.map(kindOf));
    if (options.nullable?.includes(key)) kinds.add('null');
    // An integer where the seed shows a decimal (100.00 parses as 100) is still a number.
    if (kinds.has('number')) kinds.add('integer');
    if (kinds.has('integer')) kinds.add('number');
    if (!kinds.has(kindOf(value))) {
      problems.push(`${key}: ${kindOf(value)}, the seed has ${[...new Set(samples.map(kindOf))].join(' | ')}`);
      continue;
    }
    const strings = samples.filter((sample): sample is string => typeof sample === 'string');
    if (typeof value === 'string' && strings.length > 0) {
      if (strings.every((s) => PYTHON_TIME.test(s)) && !PYTHON_TIME.test(value)) problems.push(`${key}: "${value}" is not the seed's time format`);
      if (strings.every((s) => /^ref_\d+$/.test(s)) && !/^ref_\d+$/.test(value)) problems.push(`${key}: "${value}" is not ref_<chat_id>`);
    }
    if (Array.isArray(value)) {
      const itemKinds = new Set(samples.flatMap((sample) => (Array.isArray(sample) ? sample.map(kindOf) : [])));
      for (const item of value)
        if (itemKinds.size > 0 && !itemKinds.has(kindOf(item))) problems.push(`${key}[]: ${kindOf(item)} among ${[...itemKinds].join(' | ')}`);
    }
  }
  return problems;
}
