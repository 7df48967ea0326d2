// roboflow_core/switch_case@v1: routes each element to the steps registered for its value (or the defaults).
import {
  FlowControl,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
  stepSelectorList,
  STEP_SELECTOR_PATTERN,
} from '../../engine/index.ts';
import { pyStr } from '../common/uql/index.ts';

interface Params {
  value: unknown;
  cases: Record<string, string | string[]>;
  default_next_steps: string[];
  case_insensitive: boolean;
}

export const switchCaseV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/switch_case@v1',
    aliases: ['SwitchCase'],
    humanName: 'Switch Case',
    version: 'v1',
    blockType: 'flow_control',
    shortDescription: 'Route execution to different branches based on a value.',
    ui: { section: 'flow_control', icon: 'far fa-code-branch' },
    properties: {
      value: selector(['*'], {
        title: 'Value',
        description: 'Value deciding the branch.',
        examples: ['$steps.classifier.top'],
      }),
      cases: literal(
        {
          type: 'object',
          additionalProperties: {
            anyOf: [
              { type: 'string', pattern: STEP_SELECTOR_PATTERN, reference: true, selected_element: 'step' },
              {
                type: 'array',
                items: { type: 'string', pattern: STEP_SELECTOR_PATTERN, reference: true, selected_element: 'step' },
              },
            ],
          },
        },
        {
          title: 'Cases',
          description: 'Value to the step(s) that run for it.',
          default: {},
          examples: [{ cat: '$steps.cat_branch', dog: ['$steps.dog_branch'] }],
        },
      ),
      default_next_steps: stepSelectorList({
        title: 'Default Next Steps',
        description: 'Steps that run when no case matches.',
        default: [],
      }),
      case_insensitive: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Case Insensitive',
        description: 'Compare string values ignoring case.',
        default: false,
      }),
    },
    required: ['value'],
    outputs: [],
    executionEngineCompatibility: '>=1.11.0,<2.0.0',
  },
  // Roboflow's manifest validator: each step targeted once; case-insensitive keys must stay distinct.
  validateDefinition(step) {
    const cases = (step.cases ?? {}) as Record<string, string | string[]>;
    const targets = [...Object.values(cases).flat(), ...((step.default_next_steps ?? []) as string[])];
    const duplicated = [...new Set(targets.filter((t, i) => targets.indexOf(t) !== i))];
    if (duplicated.length > 0) {
      return {
        property: 'cases',
        message: `Each step may be targeted at most once across \`cases\` and \`default_next_steps\`. Duplicated targets: [${duplicated.map((t) => `'${t}'`).join(', ')}]`,
      };
    }
    if (step.case_insensitive === true) {
      const lowered = Object.keys(cases).map((k) => k.toLowerCase());
      if (new Set(lowered).size !== lowered.length) {
        return { property: 'cases', message: '`cases` contains keys that collide when case_insensitive is enabled' };
      }
    }
    return null;
  },
  run({ value, cases, default_next_steps, case_insensitive }) {
    const normalise = (v: string) => (case_insensitive ? v.toLowerCase() : v);
    const wanted = normalise(typeof value === 'string' ? value : pyStr(value));
    for (const [caseValue, steps] of Object.entries(cases ?? {})) {
      if (normalise(caseValue) === wanted) return new FlowControl(steps);
    }
    return new FlowControl(default_next_steps ?? []);
  },
});
