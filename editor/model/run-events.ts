// What the editor knows about a run, folded from the run channel's messages (/workflows/run/ws, see README):
// each step's state (queued, running, done with duration, cached, skipped with why, failed with the error), the
// previews it produced, progress, and the "3 of 9 steps re-run" line. Pure: no DOM, no socket.
import type { ElementPreview, StepPreview, ValuePreview } from '../../client/run-channel.ts';

export type { ElementPreview, StepPreview, ValuePreview };

export type StepStatus = 'queued' | 'running' | 'done' | 'cached' | 'skipped' | 'failed';

export interface StepRunState {
  status: StepStatus;
  durationMs?: number;
  /** Why it was skipped: masked_by_flow_control, empty_input, not_requested. */
  reason?: string;
  error?: string;
  batchSize?: number;
  dimensionality?: number;
  preview?: StepPreview;
}

export interface RunSummary {
  executed: number;
  cached: number;
  skipped: number;
  total: number;
}

export interface RunView {
  runId: string;
  running: boolean;
  steps: Record<string, StepRunState>;
  /** Steps the run considers (all, or the ancestors of a "run to here" step). */
  selected: string[];
  summary: RunSummary | null;
  outputs: Array<Record<string, unknown>> | null;
  /** Error message of the run as a whole (the HTTP body's message). */
  error: string | null;
  cancelled: boolean;
}

type Message = Record<string, any>;

export function newRun(runId: string, stepNames: string[]): RunView {
  const steps: Record<string, StepRunState> = {};
  for (const name of stepNames) steps[name] = { status: 'queued' };
  return {
    runId,
    running: true,
    steps,
    selected: stepNames,
    summary: null,
    outputs: null,
    error: null,
    cancelled: false,
  };
}

function errorText(body: unknown): string {
  const b = body as { message?: unknown; error_type?: unknown; inner_error_message?: unknown } | null;
  if (!b || typeof b !== 'object') return 'failed';
  const type = typeof b.error_type === 'string' ? `${b.error_type}: ` : '';
  return `${type}${typeof b.message === 'string' ? b.message : JSON.stringify(b)}`;
}

/** The view after one message of this run (messages of other runs leave it as it is). */
export function applyMessage(view: RunView, message: Message): RunView {
  if (message.run_id !== undefined && message.run_id !== view.runId) return view;
  const step = typeof message.step === 'string' ? message.step : null;
  const setStep = (state: StepRunState): RunView =>
    step ? { ...view, steps: { ...view.steps, [step]: state } } : view;
  switch (message.type) {
    case 'run_started': {
      const steps: Record<string, StepRunState> = {};
      for (const s of message.steps ?? []) steps[s.name] = view.steps[s.name] ?? { status: 'queued' };
      return { ...view, steps, selected: message.selected ?? Object.keys(steps) };
    }
    case 'step_started':
      return setStep({ status: 'running' });
    case 'step_finished':
      return setStep({
        status: message.cached ? 'cached' : 'done',
        durationMs: message.duration_ms,
        batchSize: message.batch_size,
        dimensionality: message.dimensionality,
        preview: message.preview,
      });
    case 'step_skipped':
      return setStep({ status: 'skipped', reason: message.reason });
    case 'step_failed':
      return setStep({ status: 'failed', durationMs: message.duration_ms, error: errorText(message.error) });
    case 'result':
      return { ...view, running: false, outputs: message.outputs ?? [], summary: message.summary ?? null };
    case 'error':
      return { ...view, running: false, error: errorText(message.error) };
    case 'cancelled':
      return { ...view, running: false, cancelled: true };
    default:
      return view;
  }
}

/** Steps with a final state ÷ steps the run considers. */
export function progress(view: RunView): { done: number; total: number } {
  const total = view.selected.length;
  const done = view.selected.filter((s) => {
    const status = view.steps[s]?.status;
    return status && status !== 'queued' && status !== 'running';
  }).length;
  return { done, total };
}

/** "3 of 9 steps re-run" after a run that reused cached steps; "9 steps run" when everything ran. */
export function rerunMessage(summary: RunSummary | null): string | null {
  if (!summary) return null;
  const plural = (n: number) => `${n} step${n === 1 ? '' : 's'}`;
  if (summary.cached === 0)
    return `${plural(summary.executed)} run${summary.skipped ? `, ${summary.skipped} skipped` : ''}`;
  return `${summary.executed} of ${plural(summary.total)} re-run (${summary.cached} unchanged${summary.skipped ? `, ${summary.skipped} skipped` : ''})`;
}

/** Human words for a skip reason. */
export function skipText(reason: string | undefined): string {
  if (reason === 'masked_by_flow_control') return 'skipped by flow control';
  if (reason === 'empty_input') return 'skipped: nothing to run on';
  if (reason === 'not_requested') return 'not needed for this run';
  return 'skipped';
}

/** "12 ms", "1.4 s". */
export function durationText(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The first image preview a step produced (for the node's thumbnail). */
export function firstImage(state: StepRunState | undefined): Extract<ValuePreview, { type: 'image' }> | null {
  for (const element of state?.preview?.elements ?? [])
    for (const value of Object.values(element.outputs)) if (value.type === 'image') return value;
  return null;
}

/**
 * An image to draw detections of batch element `index` on: an image preview of the same index (or its parent
 * index) whose size matches the detections' image, searched over every step's previews.
 */
export function imageFor(
  view: RunView,
  index: number[],
  dims: [number, number] | null,
): Extract<ValuePreview, { type: 'image' }> | null {
  const key = index.join(',');
  for (const state of Object.values(view.steps))
    for (const element of state.preview?.elements ?? []) {
      if (element.index.join(',') !== key) continue;
      for (const value of Object.values(element.outputs))
        if (value.type === 'image' && (!dims || (value.height === dims[0] && value.width === dims[1]))) return value;
    }
  return null;
}
