// Stops a run when its request is gone (the caller's signal) or past its time limit: steps see one combined
// signal (no new step starts, models drop runs not yet started) and the run's promise settles at once with
// an error naming the steps that were running, even when a step is stuck in work that cannot be interrupted.
import { RunAbortedError, RunTimeLimitError } from '../errors.ts';
import type { CompiledStep } from '../compiler/plan.ts';

export class RunGuard {
  readonly signal: AbortSignal | undefined;
  readonly #running = new Map<string, string>();
  readonly #stopped: Promise<never> | undefined;
  #dispose: () => void = () => undefined;
  #phase = 'assembling the inputs';

  constructor(outer: AbortSignal | undefined, timeoutMs: number | undefined, namedLimitMs = timeoutMs) {
    if (!outer && !timeoutMs) return;
    const controller = new AbortController();
    this.signal = controller.signal;
    this.#stopped = new Promise<never>((_, reject) => {
      const stop = (error: Error) => {
        controller.abort(error);
        reject(error);
        this.#dispose();
      };
      const onOuter = () => {
        const reason = outer!.reason;
        stop(
          reason instanceof RunTimeLimitError || reason instanceof RunAbortedError
            ? reason
            : new RunAbortedError(`The run was stopped (${this.#where()}): the request was cancelled.`),
        );
      };
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs && timeoutMs > 0) {
        timer = setTimeout(
          () =>
            stop(
              new RunTimeLimitError(
                `The workflow run took longer than the time limit of ${namedLimitMs} ms and was stopped while ${this.#where()}.`,
                { time_limit_ms: namedLimitMs, running_steps: [...this.#running.keys()] },
              ),
            ),
          timeoutMs,
        );
      }
      outer?.addEventListener('abort', onOuter, { once: true });
      this.#dispose = () => {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuter);
      };
      if (outer?.aborted) onOuter();
    });
    this.#stopped.catch(() => undefined);
  }

  #where(): string {
    if (this.#running.size === 0) return this.#phase;
    const steps = [...this.#running].map(([name, type]) => `'${name}' (${type})`);
    return `step${steps.length > 1 ? 's' : ''} ${steps.join(', ')} ${steps.length > 1 ? 'were' : 'was'} running`;
  }

  enter(step: CompiledStep): void {
    this.#running.set(step.name, step.definition.type);
  }

  leave(step: CompiledStep): void {
    this.#running.delete(step.name);
    if (this.#running.size === 0) this.#phase = `between steps (after '${step.name}')`;
  }

  /** The run's result, or the stop error as soon as the run is stopped. */
  race<T>(run: Promise<T>): Promise<T> {
    return this.#stopped ? Promise.race([run, this.#stopped]) : run;
  }

  dispose(): void {
    this.#dispose();
  }
}
