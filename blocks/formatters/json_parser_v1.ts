// roboflow_core/json_parser@v1: parses JSON (optionally wrapped in a ```json fence, as LLMs write it) and
// exposes the requested fields as outputs.
import { defineBlock, literal, selector, type StepDefinition } from '../../engine/index.ts';

interface Params {
  raw_json: string;
  expected_fields: string[];
}

function parseLoosely(raw: string): Record<string, unknown> | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(raw);
  try {
    const parsed = JSON.parse(fenced ? fenced[1]! : raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export const jsonParserV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/json_parser@v1',
    humanName: 'JSON Parser',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'Parse raw JSON string into individual outputs.',
    ui: { section: 'advanced', icon: 'fal fa-brackets-curly' },
    properties: {
      raw_json: selector(['language_model_output'], {
        title: 'Raw JSON',
        description: 'JSON text to parse.',
        examples: ['$steps.lmm.output'],
      }),
      expected_fields: literal(
        { type: 'array', items: { type: 'string', not: { enum: ['error_status', '__proto__'] } } },
        { title: 'Expected Fields', description: 'Fields exposed as outputs.', examples: [['field_a', 'field_b']] },
      ),
    },
    required: ['raw_json', 'expected_fields'],
    outputs: [
      { name: 'error_status', kind: ['boolean'] },
      { name: '*', kind: ['*'] },
    ],
    actualOutputs: (step: StepDefinition) => [
      { name: 'error_status', kind: ['boolean'] },
      ...((step.expected_fields as string[] | undefined) ?? []).map((name) => ({ name, kind: ['*'] })),
    ],
  },
  run({ raw_json, expected_fields }) {
    const parsed = parseLoosely(String(raw_json ?? ''));
    const out: Record<string, unknown> = { error_status: parsed === null };
    // Own keys only: `constructor` or `toString` must not come back as Object.prototype's functions.
    for (const field of expected_fields ?? [])
      out[field] = parsed && Object.hasOwn(parsed, field) ? (parsed[field] ?? null) : null;
    return out;
  },
});
