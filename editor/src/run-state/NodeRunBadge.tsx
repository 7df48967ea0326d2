// What a step node shows about the live run: its state (queued, running, done with duration, unchanged, skipped,
// failed with the error in place), a thumbnail of its first image output, and "Run to here".
import { durationText, firstImage, skipText, type StepRunState } from '../../model/run-events.ts';
import { effectiveDefinition } from '../../model/canvas-extras.ts';
import { placeErrors } from '../../model/validation.ts';
import { ApiError } from '../api.ts';
import { store } from '../store.ts';
import { liveRun, useLiveRun } from './live-run.ts';
import './run-state.css';

const LABELS: Record<StepRunState['status'], string> = {
  queued: 'queued',
  running: 'running…',
  done: 'done',
  cached: 'unchanged',
  skipped: 'skipped',
  failed: 'failed',
};

/** The class a node gets for its run state ('' when no run touched it). */
export function useRunClass(step: string): string {
  const status = useLiveRun().view?.steps[step]?.status;
  return status ? `run-${status}` : '';
}

export async function runToHere(step: string): Promise<void> {
  const last = liveRun.last;
  if (!last) {
    store.say('Open ▶ Run, give the inputs and run once; then "Run to here" reuses them.', 'info');
    return;
  }
  // Bypassed steps left out, as the run button does.
  const definition = effectiveDefinition(store.doc.definition, store.doc.layout, store.catalog);
  try {
    const view = await liveRun.run({ ...last, definition, runTo: step });
    const ran = Object.values(view.steps).filter((s) => s.status === 'done').length;
    store.say(`Ran up to ${step}: ${ran} step${ran === 1 ? '' : 's'} executed`, 'success');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 0) return;
    store.say(error.message, 'error');
    if (Array.isArray((error.body as { blocks_errors?: unknown })?.blocks_errors)) {
      store.errors = placeErrors(definition, error.body, error.status);
      store.changed();
    }
  }
}

export function NodeRunBadge(props: { step: string }) {
  const run = useLiveRun();
  const state = run.view?.steps[props.step];
  const thumb = firstImage(state);
  return (
    <>
      {/* Above the node, so a run does not change its height (layouts stay as they were). */}
      <div className="node-run-tag">
        {state && (
          <div
            className={`node-run node-run-${state.status}`}
            data-testid={`node-run-${props.step}`}
            data-status={state.status}
            title={state.status === 'skipped' ? skipText(state.reason) : undefined}
          >
            <span className="run-dot" />
            <span className="run-label">
              {state.status === 'skipped' ? skipText(state.reason) : LABELS[state.status]}
            </span>
            {state.durationMs !== undefined && state.status !== 'skipped' && (
              <span className="run-duration" data-testid={`node-duration-${props.step}`}>
                {durationText(state.durationMs)}
              </span>
            )}
            {state.batchSize !== undefined && state.batchSize > 1 && (
              <span className="run-batch" title="batch elements produced">
                ×{state.batchSize}
              </span>
            )}
          </div>
        )}
        <button
          className="run-to-here nodrag"
          data-testid={`run-to-here-${props.step}`}
          title="Run this step and the steps it depends on"
          onClick={(e) => {
            e.stopPropagation();
            void runToHere(props.step);
          }}
        >
          ▶ to here
        </button>
      </div>
      {state?.status === 'failed' && state.error && (
        <div className="node-run-error" data-testid={`node-run-error-${props.step}`}>
          {state.error}
        </div>
      )}
      {thumb && (
        <img
          className="node-thumb"
          data-testid={`node-thumb-${props.step}`}
          src={`data:image/jpeg;base64,${thumb.jpeg}`}
          alt={`${props.step} output`}
        />
      )}
    </>
  );
}
