// Compile-time phase `steps_initialisation`: every step's declared init parameters must be resolvable from the
// services the engine was given (Roboflow raises BlockInitParameterNotProvidedError at this point, before any
// input is read, rather than failing the step at run time).
import type { Services } from '../block.ts';
import { BlockInitParameterNotProvidedError } from '../errors.ts';
import type { CompiledStep } from './plan.ts';

/** Roboflow's name for its core plugin, which the error message names. */
const CORE_PLUGIN = 'workflows_core';

export function checkInitParameters(steps: ReadonlyMap<string, CompiledStep>, services: Services): void {
  for (const step of steps.values()) {
    for (const [parameter, service] of Object.entries(step.block.initParameters ?? {})) {
      if (services[service] !== undefined && services[service] !== null) continue;
      throw new BlockInitParameterNotProvidedError(
        `Could not resolve init parameter ${parameter} to initialise step \`${step.name}\` from plugin: ${CORE_PLUGIN}.`,
        { context: 'workflow_compilation | steps_initialisation' },
      );
    }
  }
}
