// roboflow_core/environment_secrets_store@v1: exposes the named environment variables as outputs (names
// lowercased, kind secret), read from the environment snapshot the server passes in services.settings. Lives with the math blocks only for want of a secrets_providers family folder.
import {
  AccessNotAllowedError,
  WorkflowExecutionEngineError,
  defineBlock,
  literal,
  type StepDefinition,
} from '../../engine/index.ts';
import { blockSettings } from '../common/settings.ts';

interface Params {
  variables_storing_secrets: string[];
}

export const environmentSecretsStoreV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/environment_secrets_store@v1',
    humanName: 'Environment Secrets Store',
    version: 'v1',
    blockType: 'secrets_provider',
    shortDescription: 'Fetch secrets from environmental variables.',
    longDescription:
      'Each name in variables_storing_secrets becomes an output (lowercased) holding that environment variable of the server, or null when unset. Keeps credentials out of workflow definitions.',
    ui: { section: 'advanced', icon: 'far fa-key' },
    properties: {
      variables_storing_secrets: literal(
        { type: 'array', items: { type: 'string' }, minItems: 1 },
        {
          description: 'List with names of environment variables to fetch. Each will create separate block output.',
          examples: [['MY_API_KEY', 'OTHER_API_KEY']],
        },
      ),
    },
    required: ['variables_storing_secrets'],
    outputs: [{ name: '*', kind: ['*'] }],
    actualOutputs: (step: StepDefinition) =>
      (Array.isArray(step.variables_storing_secrets) ? step.variables_storing_secrets : []).map((name) => ({
        name: String(name).toLowerCase(),
        kind: ['secret'],
      })),
    executionEngineCompatibility: '>=1.4.0,<2.0.0',
  },
  run({ variables_storing_secrets }, context) {
    const settings = blockSettings(context);
    if (!settings.allowEnvironmentAccess) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: access to environment variables is disabled on this server (ALLOW_WORKFLOW_BLOCKS_ACCESSING_ENVIRONMENTAL_VARIABLES=false)`,
      );
    }
    // Only variables the operator listed: through string_template or a webhook a secret leaves the server in clear.
    const refused = variables_storing_secrets.filter((name) => !settings.secretsAllowed.includes(name));
    if (refused.length > 0) {
      const allowed = settings.secretsAllowed.length ? settings.secretsAllowed.join(', ') : 'none';
      throw new AccessNotAllowedError(
        `Step ${context.stepName}: environment variable${refused.length > 1 ? 's' : ''} ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not readable by workflows; the server allows only those named in WORKFLOW_SECRETS_ALLOWED (now: ${allowed}).`,
      );
    }
    return Object.fromEntries(
      variables_storing_secrets.map((name) => [name.toLowerCase(), settings.environment[name] ?? null]),
    );
  },
});
