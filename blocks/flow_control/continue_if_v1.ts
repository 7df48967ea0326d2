// roboflow_core/continue_if@v1: continues to next_steps when the UQL condition holds, else ends the branch.
import { FlowControl, defineBlock, literal, selectorDict, stepSelectorList } from '../../engine/index.ts';
import { evaluateStatement, type Statement } from '../common/uql/index.ts';

interface Params {
  condition_statement: Statement;
  evaluation_parameters: Record<string, unknown>;
  next_steps: string[];
  stop_delay: number;
}

export const continueIfV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/continue_if@v1',
    aliases: ['ContinueIf'],
    humanName: 'Continue If',
    version: 'v1',
    blockType: 'flow_control',
    // Remembers when the condition last held only with a stop delay; without one it is a pure function.
    cacheable: (step) => !(Number(step.stop_delay ?? 0) > 0),
    shortDescription: 'Conditionally stop execution of a branch.',
    ui: { section: 'flow_control', icon: 'fas fa-code-fork', blockPriority: 0 },
    properties: {
      condition_statement: literal(
        { type: 'object', properties: { type: { const: 'StatementGroup' } }, required: ['type', 'statements'] },
        { title: 'Conditional Statement', description: 'UQL statement deciding whether the branch continues.' },
      ),
      evaluation_parameters: selectorDict(['*'], {
        title: 'Evaluation Parameters',
        description: 'Named values the condition refers to.',
        default: {},
        examples: [{ left: '$inputs.some' }],
      }),
      next_steps: stepSelectorList({
        title: 'Next Steps',
        description: 'Steps to run when the condition holds.',
        examples: [['$steps.on_true']],
      }),
      stop_delay: literal(
        { type: 'number', minimum: 0 },
        {
          title: 'Stop Delay',
          description: 'Seconds to keep continuing after the condition stops holding.',
          default: 0,
        },
      ),
    },
    required: ['condition_statement', 'next_steps'],
    outputs: [],
  },
  async run({ condition_statement, evaluation_parameters, next_steps, stop_delay }, context) {
    const holds = await evaluateStatement(condition_statement, {
      parameters: evaluation_parameters ?? {},
      executionContext: `step: ${context.stepName} | condition_statement`,
    });
    const delay = Number(stop_delay ?? 0) * 1000;
    const key = `${context.stepName}:last_true`;
    if (holds) {
      if (delay > 0) context.state.set(key, Date.now());
      return new FlowControl(next_steps);
    }
    const lastTrue = context.state.get(key) as number | undefined;
    if (delay > 0 && lastTrue !== undefined && Date.now() - lastTrue <= delay) return new FlowControl(next_steps);
    return new FlowControl(null);
  },
});
