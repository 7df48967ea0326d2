// The live run as a whole: a progress bar over the steps it considers, what is running, and when it ends how many
// steps actually ran ("3 of 9 steps re-run").
import { progress, rerunMessage } from '../../model/run-events.ts';
import { liveRun, useLiveRun } from './live-run.ts';
import './run-state.css';

export function RunProgress() {
  const run = useLiveRun();
  const view = run.view;
  if (!view) return null;
  const { done, total } = progress(view);
  const running = Object.entries(view.steps)
    .filter(([, s]) => s.status === 'running')
    .map(([name]) => name);
  const message = rerunMessage(view.summary);
  return (
    <div className="run-progress" data-testid="run-progress" data-running={view.running ? 'yes' : 'no'}>
      <div className="run-progress-bar">
        <div style={{ width: `${total ? (100 * done) / total : 0}%` }} />
      </div>
      <div className="run-progress-line">
        <span data-testid="run-progress-count">
          {done} / {total} steps
        </span>
        {view.running && running.length > 0 && <span className="muted"> · running {running.join(', ')}</span>}
        {!view.running && message && (
          <span className="run-message" data-testid="run-message">
            {' '}
            · {message}
          </span>
        )}
        {view.cancelled && <span className="muted"> · cancelled</span>}
        {view.running && (
          <button className="link-button" data-testid="run-cancel" onClick={() => run.cancel()}>
            cancel
          </button>
        )}
      </div>
    </div>
  );
}

export { liveRun };
