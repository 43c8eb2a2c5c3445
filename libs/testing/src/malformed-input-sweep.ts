import { randomUUID } from 'node:crypto';
import type { Response, SuperTest, Test } from 'supertest';

type Http = SuperTest<Test> | ReturnType<typeof import('supertest')>;
type Schema = Record<string, unknown> & {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  required?: string[];
};
type Operation = {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
};

/** How the sweep authenticates for one OpenAPI security scheme; called per request, so it may rotate callers. */
export type SweepAuth = () => { headers: Record<string, string>; telegramId?: string };

export interface SweepOptions {
  auth: Record<string, SweepAuth>;
  /** A valid-looking value for a path parameter, so the body variants get past routing. */
  pathValue?: (name: string, auth: { telegramId?: string }) => string;
  /** Requests in flight at once. */
  concurrency?: number;
}

export interface SweepFailure {
  operation: string;
  variant: string;
  status: number;
  body: unknown;
}

const HUGE = ['1e19', '-1e19', '9007199254740993', '1e400'];

/**
 * Issue 7's sweep: every operation of the app's OpenAPI document gets bodies, fields, object
 * keys and path parameters that once reached PostgreSQL or the stack (10 000-deep nesting, NUL,
 * lone surrogates, numbers past 2^53, wrong types, nulls), each with valid credentials, and no
 * answer may be a 5xx. Variants are built from the document, so a new route is swept unasked.
 */
export async function sweepMalformedInput(http: Http, options: SweepOptions): Promise<{ operations: number; requests: number; failures: SweepFailure[] }> {
  const doc = (await http.get('/docs-json').expect(200)).body as {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const schemas = doc.components?.schemas ?? {};
  const resolve = (schema: Schema | undefined, depth = 0): Schema => {
    if (!schema || depth > 8) return {};
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!], depth + 1);
    if (schema.allOf)
      return schema.allOf.reduce<Schema>((acc, part) => {
        const r = resolve(part, depth + 1);
        return { ...acc, ...r, properties: { ...acc.properties, ...r.properties } };
      }, {});
    return schema;
  };

  const jobs: (() => Promise<SweepFailure | undefined>)[] = [];
  let operations = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content;
      const jsonSchema = content?.['application/json'] ? resolve(content['application/json'].schema) : undefined;
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
      const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (content && !jsonSchema) continue; // multipart and raw uploads are not JSON routes
      operations++;
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s)).filter((name) => options.auth[name]);
      for (const scheme of schemes.length ? schemes : [undefined]) {
        const authOf = () => (scheme ? options.auth[scheme]() : { headers: {} });
        const label = `${method.toUpperCase()} ${path}${scheme ? ` [${scheme}]` : ''}`;
        const send = (variant: string, build: (auth: ReturnType<SweepAuth>) => { url: string; raw?: string }) =>
          jobs.push(async () => {
            const auth = authOf();
            const { url, raw } = build(auth);
            let req = (http as unknown as Record<string, (url: string) => Test>)[method](url).set(auth.headers);
            if (raw !== undefined) req = req.set('Content-Type', 'application/json').send(raw);
            const res: Response = await req;
            return res.status >= 500 ? { operation: label, variant, status: res.status, body: res.body } : undefined;
          });
        const urlWith = (auth: ReturnType<SweepAuth>, override: Record<string, string> = {}, query = '') =>
          path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(options.pathValue?.(name, auth) ?? randomUUID())) + query;
        // Two bodies to spoil one field at a time: every field filled from the examples, and only
        // the required ones (so `userId: null` arrives alone, as a client would send it).
        const base = jsonSchema ? exampleOf(jsonSchema, resolve) : undefined;
        const minimal = jsonSchema ? exampleOf(jsonSchema, resolve, 0, true) : undefined;
        const body = () => (base === undefined ? undefined : JSON.stringify(base));

        for (const p of pathParams)
          for (const bad of ['%00', '%ED%A0%80', '%F0', '99999999999999999999', '-1', '1e19', 'null', 'x'.repeat(300)]) {
            send(`path ${p.name}=${bad}`, (auth) => ({ url: urlWith(auth, { [p.name]: bad }), raw: body() }));
          }
        for (const q of queryParams)
          for (const bad of ['%00', '%ED%A0%80', '99999999999999999999', '-1', '1e19', 'x'.repeat(300)]) {
            send(`query ${q.name}=${bad}`, (auth) => ({ url: urlWith(auth, {}, `?${q.name}=${bad}`) }));
          }
        if (!jsonSchema) continue;
        for (const [variant, raw] of wholeBodies()) send(variant, (auth) => ({ url: urlWith(auth), raw }));
        for (const field of fieldPaths(jsonSchema, resolve)) {
          for (const [variant, value] of fieldValues()) {
            send(`${field} = ${variant}`, (auth) => ({ url: urlWith(auth), raw: withField(base, field, value) }));
            send(`${field} = ${variant} (required fields only)`, (auth) => ({ url: urlWith(auth), raw: withField(minimal, field, value) }));
          }
        }
        send('NUL in a key', (auth) => ({ url: urlWith(auth), raw: JSON.stringify({ ...(base as object), 'a\u0000b': 1 }) }));
        send('lone surrogate in a key', (auth) => ({ url: urlWith(auth), raw: JSON.stringify({ ...(base as object), '\ud800': 1 }) }));
      }
    }
  }

  const failures: SweepFailure[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 6 }, async () => {
      while (next < jobs.length) {
        const failure = await jobs[next++]();
        if (failure) failures.push(failure);
      }
    }),
  );
  return { operations, requests: jobs.length, failures };
}

function wholeBodies(): [string, string][] {
  return [
    ['10 000-deep arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10 000-deep objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['null body', 'null'],
    ['array body', '[]'],
    ['string body', '"x"'],
    ['number body', '1e400'],
    ['truncated JSON', '{"a":'],
    ['__proto__ key', '{"__proto__":{"x":1}}'],
  ];
}

/** Raw JSON texts for one field: what once became a 500 somewhere. */
function fieldValues(): [string, string][] {
  return [
    ['NUL', JSON.stringify('a\u0000b')],
    ['lone surrogate', '"\\ud800x"'],
    ...HUGE.map((n): [string, string] => [n, n]),
    ['null', 'null'],
    ['object', '{}'],
    ['array', '[null]'],
    ['boolean', 'true'],
    ['string', '"x"'],
    ['fraction', '1.5'],
    ['long string', JSON.stringify('x'.repeat(10_000))],
    ['deep', '['.repeat(5_000) + ']'.repeat(5_000)],
  ];
}

/** The dotted paths of a schema's fields, one level into arrays of objects and nested objects. */
function fieldPaths(schema: Schema, resolve: (s: Schema | undefined) => Schema, prefix = '', depth = 0): string[] {
  const paths: string[] = [];
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const field = resolve(raw);
    const path = prefix ? `${prefix}.${name}` : name;
    paths.push(path);
    if (depth >= 2) continue;
    if (field.properties) paths.push(...fieldPaths(field, resolve, path, depth + 1));
    const item = field.type === 'array' ? resolve(field.items) : undefined;
    if (item?.properties) paths.push(...fieldPaths(item, resolve, `${path}.0`, depth + 1));
  }
  return paths;
}

/** A body built from the schema's examples, so a single bad field is the only thing wrong with it. */
function exampleOf(schema: Schema, resolve: (s: Schema | undefined) => Schema, depth = 0, requiredOnly = false): unknown {
  if (depth > 4) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.oneOf) return exampleOf(resolve(schema.oneOf[0]), resolve, depth + 1, requiredOnly);
  if (schema.properties) {
    const wanted = Object.entries(schema.properties).filter(([key]) => !requiredOnly || (schema.required ?? []).includes(key));
    return Object.fromEntries(wanted.map(([key, value]) => [key, exampleOf(resolve(value), resolve, depth + 1, requiredOnly)]));
  }
  switch (schema.type) {
    case 'string':
      return schema.format === 'uuid' ? randomUUID() : schema.format === 'date-time' ? new Date().toISOString() : 'x';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.items ? [exampleOf(resolve(schema.items), resolve, depth + 1, requiredOnly)] : [];
    default:
      return {};
  }
}

/** The body with one field (a dotted path) replaced by a raw JSON text. */
function withField(base: unknown, path: string, raw: string): string {
  const marker = `\u0001${randomUUID()}`;
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(keys[keys.indexOf(key) + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
}
