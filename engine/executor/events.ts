// Step events: what a run reports to whoever listens (the WebSocket run channel, a CLI, a video pipeline). The
// engine owns this interface; nothing here knows about transports. When no observer is given the executor takes
// its plain path and none of this runs.
import type { StepOutputs } from '../block.ts';

export type SkipReason =
  /** Flow control did not select this step for any element. */
  | 'masked_by_flow_control'
  /** Nothing to run on: its batch inputs are empty or a value it needs is missing. */
  | 'empty_input'
  /** Outside a "run up to this step" selection. */
  | 'not_requested';

export interface StepInfo {
  step: string;
  blockType: string;
}

export interface RunStartedEvent {
  steps: StepInfo[];
  /** Steps this run will consider (all, or the ancestors of the requested ones). */
  selected: string[];
}

export interface StepFinishedEvent extends StepInfo {
  durationMs: number;
  /** Served from the step output cache (durationMs is then the restore time). */
  cached: boolean;
  /** Number of output elements registered (1 for a scalar step). */
  batchSize: number;
  /** Dimensionality of what it produced (0 = one value, 1 = one per input image, 2 = per crop...). */
  dimensionality: number;
  /** Outputs by batch index key ('' for a scalar step, '0,2' for crop 2 of image 0). Do not mutate. */
  outputs: ReadonlyMap<string, StepOutputs>;
}

export interface StepSkippedEvent extends StepInfo {
  reason: SkipReason;
}

export interface StepFailedEvent extends StepInfo {
  durationMs: number;
  error: unknown;
}

export interface RunFinishedEvent {
  outputs: Array<Record<string, unknown>>;
  /** Steps whose block was called in this run (not served from cache, not skipped). */
  executed: number;
  cached: number;
  skipped: number;
  total: number;
}

/** Every method is optional; an observer that throws does not stop the run (its error is swallowed). */
export interface RunObserver {
  runStarted?(event: RunStartedEvent): void;
  stepStarted?(event: StepInfo): void;
  stepFinished?(event: StepFinishedEvent): void;
  stepSkipped?(event: StepSkippedEvent): void;
  stepFailed?(event: StepFailedEvent): void;
  runFinished?(event: RunFinishedEvent): void;
}

/** Parses an outputs map key back into a batch index. */
export function parseIndexKey(key: string): number[] {
  return key === '' ? [] : key.split(',').map(Number);
}
