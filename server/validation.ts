// Request-body validation against schemas/requests/*.json, answering like FastAPI: 422 {"detail": [{loc, msg, type}]}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';

export interface ValidationIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

export class RequestValidationError extends Error {
  constructor(readonly detail: ValidationIssue[]) {
    super(detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

const REQUESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas/requests');

// useDefaults fills Roboflow's defaults (confidence 0.4, iou 0.3, ...) into the validated body.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
for (const file of fs.readdirSync(REQUESTS_DIR).filter((f) => f.endsWith('.json'))) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(REQUESTS_DIR, file), 'utf8')) as object);
}

function pointerToLoc(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const TYPE_NAMES: Record<string, string> = {
  string: 'string_type',
  number: 'float_type',
  integer: 'int_type',
  boolean: 'bool_type',
  object: 'dict_type',
  array: 'list_type',
};

function toIssue(error: ErrorObject): ValidationIssue {
  const loc: Array<string | number> = ['body', ...pointerToLoc(error.instancePath)];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'type': {
      const expected = ([] as string[]).concat(params.type as string | string[]).filter((t) => t !== 'null');
      return {
        loc,
        msg: `Input should be a valid ${expected.join(' or ')}`,
        type: TYPE_NAMES[expected[0] ?? ''] ?? 'type_error',
      };
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return { loc, msg: `Input should be ${params.comparison} ${params.limit}`, type: 'greater_than_equal' };
    case 'maximum':
    case 'exclusiveMaximum':
      return { loc, msg: `Input should be ${params.comparison} ${params.limit}`, type: 'less_than_equal' };
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      return { loc, msg: `Input should be ${allowed.map((v) => JSON.stringify(v)).join(' or ')}`, type: 'enum' };
    }
    case 'minLength':
      return { loc, msg: `String should have at least ${params.limit} character(s)`, type: 'string_too_short' };
    case 'minItems':
      return { loc, msg: `List should have at least ${params.limit} item(s)`, type: 'too_short' };
    default:
      return { loc, msg: error.message ?? 'Invalid value', type: error.keyword };
  }
}

/** anyOf reports every branch's complaint; keep the ones at the deepest location, then one per location+type. */
function condense(errors: ErrorObject[]): ValidationIssue[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    let issue = toIssue(error);
    if (anyOfPaths.has(error.instancePath)) {
      // The value matched none of the alternatives: say so once instead of once per branch.
      const parent = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === error.instancePath)!;
      const alternatives = ((parent.parentSchema as { anyOf?: Array<Record<string, unknown>> }).anyOf ?? [])
        .map(describeSchema)
        .join(', or ');
      issue = {
        loc: ['body', ...pointerToLoc(error.instancePath)],
        msg: `Input should be ${alternatives}`,
        type: 'union_tag_invalid',
      };
    }
    const key = JSON.stringify(issue.loc) + issue.type;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function describeSchema(schema: Record<string, unknown>): string {
  if (schema.$ref === 'inference-image.json') return 'an image object {"type": "base64" | "url", "value": ...}';
  if (schema.$ref) return `an object like ${String(schema.$ref).replace(/\.json$/, '')}`;
  if (schema.type === 'null') return 'null';
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.type === 'number' && (schema.minimum !== undefined || schema.maximum !== undefined)) {
    return `a number between ${schema.minimum ?? '-inf'} and ${schema.maximum ?? 'inf'}`;
  }
  if (schema.type === 'array') return 'a list of those';
  return `a ${String(schema.type)}`;
}

/** Validate (and fill defaults into) a request body; throws RequestValidationError. */
export function validateBody<T>(schemaId: string, body: unknown): T {
  // ajv compiles a schema on its first getSchema and keeps it.
  const validate = ajv.getSchema(schemaId);
  if (!validate) throw new Error(`no request schema ${schemaId}`);
  if (body === undefined) {
    throw new RequestValidationError([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  }
  if (!validate(body)) throw new RequestValidationError(condense(validate.errors ?? []));
  return body as T;
}
