import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OpenApiDocument, OpenApiResponse, loadSeed001Spec } from './seed-spec';

const SCHEMAS_ID = 'https://genbot.invalid/openapi/components.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  /** The JSON body schema per declared status; `null` where the spec declares no body. */
  responses: Map<string, unknown>;
}

/**
 * Checks HTTP responses against an OpenAPI 3.1 document: the schemas are JSON Schema 2020-12,
 * compiled with ajv. Routes are matched by method and path template, whatever the parameters
 * are called (`/users/{userId}` in a spec, `/users/:id` in a router).
 */
export class OpenApiContract {
  private readonly operations = new Map<string, Operation>();
  private readonly error: unknown;
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  /** Compiled on first use (each e2e file loads the contract and meets only a few routes). */
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(spec: OpenApiDocument) {
    addFormats(this.ajv);
    // OpenAPI's own format for money-like numbers; JSON Schema leaves unknown formats to the tool.
    this.ajv.addFormat('decimal', { type: 'number', validate: (value: number) => Number.isFinite(value) });
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(spec.components.schemas) });
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const responses = new Map<string, unknown>();
        for (const [status, response] of Object.entries(operation.responses ?? {})) responses.set(status, jsonSchemaOf(response) ?? null);
        this.operations.set(routeKey(method, path), { responses });
      }
    }
    this.error = spec.components.schemas.Error ? { $ref: '#/components/schemas/Error' } : null;
  }

  /** Compiles every response schema now: a schema ajv cannot read fails here, not mid-suite. */
  compileAll(): this {
    for (const { responses } of this.operations.values()) for (const schema of responses.values()) this.validator(schema);
    this.validator(this.error);
    return this;
  }

  static seed001(): OpenApiContract {
    return new OpenApiContract(loadSeed001Spec());
  }

  covers(method: string, routeTemplate: string): boolean {
    return this.operations.has(routeKey(method, routeTemplate));
  }

  /**
   * What is wrong with one response ([] when nothing), or undefined when the spec has no such
   * route. A status the operation declares is checked against its schema; an error status
   * against the spec's `Error` schema; any other success status is itself a breach.
   */
  check(response: { method: string; route: string; status: number; contentType?: string; body: string }): string[] | undefined {
    const operation = this.operations.get(routeKey(response.method, response.route));
    if (!operation) return undefined;
    const status = String(response.status);
    const declared = [status, `${status[0]}XX`].find((key) => operation.responses.has(key));
    let schema = declared === undefined ? undefined : operation.responses.get(declared);
    if (schema === undefined) {
      if (response.status < 400) return [`status ${status} is not declared (the spec has ${[...operation.responses.keys()].join(', ')})`];
      schema = this.error;
    }
    const validate = this.validator(schema);
    if (!validate) return [];
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(response.contentType ?? '')) return [`content-type ${response.contentType ?? '(none)'} is not JSON`];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return ['the body is not valid JSON'];
    }
    return validate(body) ? [] : (validate.errors ?? []).map(describe);
  }

  private validator(schema: unknown): ValidateFunction | undefined {
    if (schema === null || schema === undefined) return undefined;
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) this.compiled.set(key, (validate = this.ajv.compile(rewriteRefs(schema) as object)));
    return validate;
  }
}

function jsonSchemaOf(response: OpenApiResponse): unknown {
  const json = Object.entries(response.content ?? {}).find(([type]) => /json/i.test(type));
  return json?.[1].schema;
}

/** `#/components/schemas/X` points into the spec; compiled apart, it must name the shared schema set. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')
        ? `${SCHEMAS_ID}#/$defs/${inner.slice('#/components/schemas/'.length)}`
        : rewriteRefs(inner),
    ]),
  );
}

function routeKey(method: string, path: string): string {
  const template = path
    .replace(/\{[^}/]+\}/g, '{}')
    .replace(/:[^/]+/g, '{}')
    .replace(/\/+$/, '');
  return `${method.toUpperCase()} ${template || '/'}`;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(body)';
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return `${where} ${error.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
}
