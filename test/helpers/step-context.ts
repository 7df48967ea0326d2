// The StepContext a block's `run` receives, for calling blocks directly: its own state map, no services unless
// given (pass { settings } or { models } when the block needs them).
import type { Services, StepContext } from '../../engine/index.ts';

export interface StepContextOptions {
  stepType?: string;
  services?: Services;
  request?: StepContext['request'];
  state?: Map<string, unknown>;
}

export function stepContext(stepName = 'step', options: StepContextOptions = {}): StepContext {
  return {
    stepName,
    stepType: options.stepType ?? 'test',
    services: options.services ?? {},
    request: options.request ?? {},
    state: options.state ?? new Map(),
  };
}
