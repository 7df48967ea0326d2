// roboflow_core/string_template@v1: renders a Python `str.format` template (named `{placeholders}`, format
// specs, `{{`/`}}` escapes) from `data`, each value optionally passed through UQL operations first. Positional,
// attribute and index placeholders, undeclared names and oversized specs are refused with Roboflow's messages.
import { defineBlock, literal, literalOrSelector, selectorDict } from '../../engine/index.ts';
import {
  PyFormatError,
  convert,
  nestedFields,
  parseTemplate,
  pyFormatValue,
  pyFormatStr,
  type ParsedField,
} from '../common/py-format.ts';
import { transformParameters, type OperationDefinition } from '../common/uql/index.ts';

interface Params {
  template: unknown;
  data: Record<string, unknown>;
  data_operations: Record<string, OperationDefinition[]>;
}

const MAX_SPEC_NUMBER = 10000;
const MAX_RENDERED_LENGTH = 1_000_000;
const PREFIX = 'String Template block';

/** Roboflow raises ValueError; the name reaches clients as inner_error_type. */
class ValueError extends Error {
  override name = 'ValueError';
}

function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}

const pyList = (names: Iterable<string>) => `[${[...names].map((n) => `'${n}'`).join(', ')}]`;

function parse(template: string): ParsedField[] {
  try {
    const fields = parseTemplate(template).filter((p): p is ParsedField => typeof p !== 'string');
    for (const field of fields) nestedFields(field.spec); // nested fields obey the same rules
    return fields;
  } catch (error) {
    if (!(error instanceof PyFormatError)) throw error;
    if (error.kind === 'positional') {
      throw new ValueError(
        `${PREFIX} does not support positional placeholders - use named placeholders, e.g. \`{variable_name}\`.`,
      );
    }
    if (error.kind === 'attribute') {
      throw new ValueError(
        `${PREFIX} does not support attribute or index access in placeholders - use a plain variable name and \`data_operations\` to extract values.`,
      );
    }
    throw new ValueError(
      `${PREFIX} could not parse template: ${error.message}. Use double braces to produce literal braces in the output.`,
    );
  }
}

export function renderTemplate(template: unknown, values: Record<string, unknown>): string {
  if (typeof template !== 'string') {
    throw new ValueError(`${PREFIX} expected template to be a string, got value of type ${pyTypeName(template)}`);
  }
  const fields = parse(template);
  const parts = parseTemplate(template);
  const referenced = new Set<string>();
  for (const field of fields) {
    referenced.add(field.name);
    for (const nested of nestedFields(field.spec)) referenced.add(nested);
  }
  const missing = [...referenced].filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) {
    throw new ValueError(
      `${PREFIX} template references variables ${pyList(missing)} which are not declared in data. Declared variables: ${pyList(Object.keys(values).sort())}`,
    );
  }
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
    } else {
      const spec = part.spec.replace(/\{([^{}]*)\}/g, (_, inner: string) =>
        pyFormatStr(values[inner.split(/[!:]/)[0]!]),
      );
      for (const number of spec.match(/\d+/g) ?? []) {
        if (Number(number) > MAX_SPEC_NUMBER) {
          throw new ValueError(
            `${PREFIX} format spec '${spec}' of placeholder \`${part.name}\` is exceeding the maximum allowed width or precision of ${MAX_SPEC_NUMBER}.`,
          );
        }
      }
      try {
        out += pyFormatValue(convert(values[part.name], part.conversion), spec);
      } catch (error) {
        if (!(error instanceof PyFormatError)) throw error;
        throw new ValueError(
          `${PREFIX} could not render template: ${error.message}. Check that format specs match the types of the substituted values.`,
        );
      }
    }
    if (out.length > MAX_RENDERED_LENGTH) {
      throw new ValueError(
        `${PREFIX} rendered output exceeds the maximum allowed rendered length of ${MAX_RENDERED_LENGTH} characters - shorten the template or the substituted values.`,
      );
    }
  }
  return out;
}

export const stringTemplateV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/string_template@v1',
    humanName: 'String Template',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'Fill a text template with workflow data.',
    longDescription:
      'Python `str.format` syntax with named placeholders: `{count}`, `{confidence:.2f}`, `{label:>10}`, `{value!r}`; `{{` and `}}` give literal braces. Every placeholder must be a key of `data`; `data_operations` may transform a value (UQL) before it is substituted.',
    ui: { section: 'advanced', icon: 'far fa-text' },
    properties: {
      template: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Template',
        description: 'Text with Python-style {name} placeholders.',
        examples: ['Found {count} instances of {label}'],
      }),
      data: selectorDict(
        ['*'],
        {
          title: 'Data',
          description: 'Values for the placeholders.',
          default: {},
          examples: [{ count: '$steps.counter.output' }],
        },
        { type: ['string', 'number', 'integer', 'boolean'] },
      ),
      data_operations: literal(
        { type: 'object', additionalProperties: { type: 'array' } },
        { title: 'Data Operations', description: 'UQL operations applied to values before substitution.', default: {} },
      ),
    },
    required: ['template'],
    outputs: [{ name: 'output', kind: ['string'] }],
  },
  async run({ template, data, data_operations }, context) {
    const values = { ...(data ?? {}) };
    for (const name of Object.keys(data_operations ?? {})) {
      if (!Object.hasOwn(values, name)) {
        throw new ValueError(
          `${PREFIX} defines operations for variable \`${name}\` which is not declared in data. Declared variables: ${pyList(Object.keys(values).sort())}`,
        );
      }
    }
    const transformed = await transformParameters(values, data_operations, context.stepName, 'data_operations');
    return { output: renderTemplate(template, transformed) };
  },
});
