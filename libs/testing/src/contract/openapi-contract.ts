import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OpenApiDocument, OpenApiResponse, loadSeed001Spec } from './seed-spec';

const SCHEMAS_ID = 'https://genbot.invalid/openapi/components.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  /** Compiled JSON body schema per declared status; `null` where the spec declares no body. */
  responses: Map<string, ValidateFunction | null>;
}

/**
 * Checks HTTP responses against an OpenAPI 3.1 document: the schemas are JSON Schema 2020-12,
 * compiled with ajv. Routes are matched by method and path template, whatever the parameters
 * are called (`/users/{userId}` in a spec, `/users/:id` in a router).
 */
export class OpenApiContract {
  private readonly operations = new Map<string, Operation>();
  private readonly error: ValidateFunction | undefined;

  constructor(spec: OpenApiDocument) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    // OpenAPI's own format for money-like numbers; JSON Schema leaves unknown formats to the tool.
    ajv.addFormat('decimal', { type: 'number', validate: (value: number) => Number.isFinite(value) });
    ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(spec.components.schemas) });
    const compile = (schema: unknown) => ajv.compile(rewriteRefs(schema) as object);

    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const responses = new Map<string, ValidateFunction | null>();
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const schema = jsonSchemaOf(response);
          responses.set(status, schema === undefined ? null : compile(schema));
        }
        this.operations.set(routeKey(method, path), { responses });
      }
    }
    if (spec.components.schemas.Error) this.error = compile({ $ref: '#/components/schemas/Error' });
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
    let validate: ValidateFunction | null | undefined = operation.responses.get(status) ?? operation.responses.get(`${status[0]}XX`);
    if (validate === undefined) {
      if (response.status < 400) return [`status ${status} is not declared (the spec has ${[...operation.responses.keys()].join(', ')})`];
      validate = this.error ?? null;
    }
    if (validate === null) return [];
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(response.contentType ?? '')) return [`content-type ${response.contentType ?? '(none)'} is not JSON`];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return ['the body is not valid JSON'];
    }
    return validate(body) ? [] : (validate.errors ?? []).map(describe);
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
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/') ? `${SCHEMAS_ID}#/$defs/${inner.slice('#/components/schemas/'.length)}` : rewriteRefs(inner),
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
