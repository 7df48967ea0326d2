// roboflow_core/expression@v1: a switch over UQL case statements evaluated on named data; the first case that
// holds gives the output (a static value or a named datum passed through operations), else the default.
import { WorkflowExecutionEngineError, defineBlock, literal, selectorDict } from '../../engine/index.ts';
import {
  evaluateStatement,
  executeOperations,
  type EvaluationContext,
  type OperationDefinition,
  type Statement,
} from '../common/uql/index.ts';
import { undeclaredSymbol } from '../common/uql/errors.ts';

type CaseResult =
  | { type: 'StaticCaseResult'; value: unknown }
  | { type: 'DynamicCaseResult'; parameter_name: string; operations?: OperationDefinition[] };

interface CasesDefinition {
  type: 'CasesDefinition';
  cases: Array<{ type: 'CaseDefinition'; condition: Statement; result: CaseResult }>;
  default: CaseResult;
}

interface Params {
  data: Record<string, unknown>;
  data_operations: Record<string, OperationDefinition[]>;
  switch: CasesDefinition;
}

// Checked at compile time so a malformed case fails validation (400) instead of the run.
const CASE_RESULT_SCHEMA = {
  type: 'object',
  properties: {
    type: { enum: ['StaticCaseResult', 'DynamicCaseResult'] },
    parameter_name: { type: 'string' },
    operations: { type: 'array', items: { type: 'object' } },
  },
  required: ['type'],
};

async function caseResult(result: CaseResult, ctx: EvaluationContext, stepName: string): Promise<unknown> {
  if (result?.type === 'StaticCaseResult') return result.value;
  if (result?.type === 'DynamicCaseResult') {
    if (!Object.hasOwn(ctx.parameters, result.parameter_name))
      throw undeclaredSymbol(result.parameter_name, 'the case result', ctx);
    return executeOperations(ctx.parameters[result.parameter_name], result.operations, ctx);
  }
  throw new WorkflowExecutionEngineError(
    `Step ${stepName}: case result type ${JSON.stringify((result as { type?: unknown })?.type)} is not StaticCaseResult or DynamicCaseResult`,
  );
}

export const expressionV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/expression@v1',
    aliases: ['Expression'],
    humanName: 'Expression',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'Create a specific output based on defined input variables and configured rules.',
    ui: { section: 'advanced', icon: 'far fa-code' },
    properties: {
      data: selectorDict(['*'], {
        title: 'Data',
        description: 'Named values the expression can refer to.',
        examples: [{ predictions: '$steps.model.predictions', reference: '$inputs.reference_class_names' }],
      }),
      data_operations: literal(
        { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
        {
          title: 'Data Operations',
          description: 'UQL operations applied to named data before evaluation.',
          default: {},
          examples: [{ predictions: [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }] }],
        },
      ),
      switch: literal(
        {
          type: 'object',
          properties: {
            type: { const: 'CasesDefinition' },
            cases: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  type: { const: 'CaseDefinition' },
                  condition: { type: 'object' },
                  result: CASE_RESULT_SCHEMA,
                },
                required: ['condition', 'result'],
              },
            },
            default: CASE_RESULT_SCHEMA,
          },
          required: ['cases', 'default'],
        },
        { title: 'Switch', description: 'Cases evaluated in order; the first whose condition holds gives the output.' },
      ),
    },
    required: ['data', 'switch'],
    outputs: [{ name: 'output', kind: ['*'] }],
  },
  async run({ data, data_operations, switch: cases }, context) {
    const executionContext = `step: ${context.stepName}`;
    const parameters: Record<string, unknown> = { ...data };
    for (const [name, operations] of Object.entries(data_operations ?? {})) {
      if (!Object.hasOwn(parameters, name)) continue;
      parameters[name] = await executeOperations(parameters[name], operations, {
        parameters: data,
        executionContext: `${executionContext} | data_operations.${name}`,
      });
    }
    const ctx = { parameters, executionContext };
    for (const entry of cases.cases ?? []) {
      if (await evaluateStatement(entry.condition, ctx))
        return { output: await caseResult(entry.result, ctx, context.stepName) };
    }
    return { output: await caseResult(cases.default, ctx, context.stepName) };
  },
});
