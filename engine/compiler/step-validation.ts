// Validates one step against its block's schema with ajv and turns ajv's output into one clear message per
// property (docs/roboflow-compatibility.md#compilation: WorkflowSyntaxError with blocks_errors).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { BlockDefinition, JsonSchema, StepDefinition } from '../block.ts';
import { WorkflowSyntaxError, type BlockError } from '../errors.ts';
import { blockSchema } from '../block-schema.ts';
import { literalMembers, unionMembers } from './selectors.ts';
import { clip, echo } from './echo.ts';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, validateFormats: false });
const validators = new WeakMap<BlockDefinition<any>, ValidateFunction>();
const propertyValidators = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(block: BlockDefinition<any>): ValidateFunction {
  let v = validators.get(block);
  if (!v) {
    v = ajv.compile(blockSchema(block.manifest));
    validators.set(block, v);
  }
  return v;
}

export function propertyValidator(schema: JsonSchema): ValidateFunction {
  let v = propertyValidators.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    propertyValidators.set(schema, v);
  }
  return v;
}

/** Plain-words description of what a literal schema accepts. */
export function describeExpected(schema: JsonSchema): string {
  const literals = literalMembers(schema);
  const hasSelector = unionMembers(schema).some((s) => s.reference === true);
  const parts = [...new Set(literals.map(describeLiteral))];
  if (hasSelector) parts.push('a selector like $inputs.x or $steps.step.output');
  if (parts.length === 0) return 'a valid value';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

function describeLiteral(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if ('const' in s) return JSON.stringify(s.const);
  const range = (what: string) => {
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    if (min !== undefined && max !== undefined) return `${what} between ${min} and ${max}`;
    if (min !== undefined) return `${what} >= ${min}`;
    if (max !== undefined) return `${what} <= ${max}`;
    return what;
  };
  switch (s.type) {
    case 'number':
      return range('a number');
    case 'integer':
      return range('an integer');
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return Array.isArray(s.type) ? `a value of type ${s.type.join('|')}` : 'a valid value';
  }
}

function propertyOf(error: ErrorObject): string {
  if (error.keyword === 'required' && error.instancePath === '')
    return String((error.params as { missingProperty: string }).missingProperty);
  return error.instancePath.split('/')[1] ?? '';
}

/** Resolves property aliases, applies defaults and validates; throws WorkflowSyntaxError naming each property. */
export function validateStep(step: StepDefinition, block: BlockDefinition<any>): StepDefinition {
  const manifest = block.manifest;
  const normalized: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) {
    const target = manifest.propertyAliases?.[key];
    if (target && !(target in step)) normalized[target] = value;
    else if (key === 'type' || key === 'name' || key in manifest.properties) normalized[key] = value;
    // unknown keys are ignored, as pydantic's extra="ignore" does
  }
  const validate = validatorFor(block);
  if (validate(normalized)) {
    const problem = block.validateDefinition?.(normalized as StepDefinition);
    if (problem) {
      const inner = Object.assign(new Error(problem.message), { name: 'ValidationError' });
      throw new WorkflowSyntaxError(
        `Could not parse workflow definition: step ${echo(step.name)} (${step.type}) has invalid property ${echo(problem.property)}: ${problem.message}`,
        {
          context: 'workflow_compilation | workflow_definition_parsing',
          innerError: inner,
          blocksErrors: [
            {
              block_id: String(step.name),
              block_type: String(step.type),
              property_name: problem.property,
              property_details: problem.message,
            },
          ],
        },
      );
    }
    return normalized as StepDefinition;
  }
  const byProperty = new Map<string, ErrorObject[]>();
  for (const error of validate.errors ?? []) {
    const property = propertyOf(error);
    if (!byProperty.has(property)) byProperty.set(property, []);
    byProperty.get(property)!.push(error);
  }
  const blockErrors: Array<Partial<BlockError> & { block_id: string }> = [];
  for (const [property, errors] of byProperty) {
    const schema = manifest.properties[property];
    let details: string;
    if (errors.some((e) => e.keyword === 'required' && e.instancePath === '')) {
      details = `Field required: ${echo(property)} must be provided${schema ? ` (expected ${describeExpected(schema)})` : ''}`;
    } else if (schema && (schema.anyOf || schema.oneOf)) {
      details = `Invalid value ${echo(step[property] ?? normalized[property])}: expected ${describeExpected(schema)}`;
    } else {
      const first = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0]!;
      details = `Invalid value at ${echo(first.instancePath || property)}: ${first.message ?? 'invalid'}${schema ? ` (expected ${describeExpected(schema)})` : ''}`;
    }
    blockErrors.push({
      block_id: String(step.name),
      block_type: String(step.type),
      property_name: clip(property) || null,
      property_details: details,
    });
  }
  const summary = blockErrors.map((e) => `property ${echo(e.property_name)}: ${e.property_details}`).join('; ');
  throw new WorkflowSyntaxError(
    `Could not parse workflow definition: step ${echo(step.name)} (${step.type}) has invalid ${summary}`,
    {
      context: 'workflow_compilation | workflow_definition_parsing',
      blocksErrors: blockErrors,
    },
  );
}
