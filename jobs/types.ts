// Shapes shared by the in-process and the Redis job backends.

/** One input of a job: a runtime-input dict as /workflows/run takes, or an image file on the server's disk. */
export type JobItem = { inputs: Record<string, unknown> } | { file: string };

/** A job as stored: everything a worker on any machine needs to run any of its inputs. */
export interface JobPlan {
  id: string;
  definition: Record<string, unknown>;
  /** Inputs every run gets (non-image parameters). */
  parameters: Record<string, unknown>;
  /** Which workflow input a `file` item fills. */
  imageInput: string;
  items: JobItem[];
  chunkSize: number;
  createdAt: number;
}

export type JobState = 'queued' | 'running' | 'completed' | 'cancelled';

export interface JobInputError {
  index: number;
  error: string;
  message: string;
}

export interface JobStatus {
  job_id: string;
  status: JobState;
  done: number;
  total: number;
  failed: number;
  fps: number | null;
  eta_s: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** First errors per input (bounded). */
  errors: JobInputError[];
  /** Queue mode: the workers (host:pid) that took chunks of this job. */
  workers?: string[];
}

/** What a backend keeps per job besides results. */
export interface JobProgress {
  total: number;
  done: number;
  failed: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelled: boolean;
  errors: JobInputError[];
  workers?: string[];
}

export function statusOf(id: string, p: JobProgress, now = Date.now()): JobStatus {
  const state: JobState = p.cancelled
    ? 'cancelled'
    : p.done >= p.total
      ? 'completed'
      : p.startedAt === null
        ? 'queued'
        : 'running';
  const end = p.finishedAt ?? now;
  const elapsedS = p.startedAt === null ? 0 : (end - p.startedAt) / 1000;
  const fps = p.done > 0 && elapsedS > 0 ? p.done / elapsedS : null;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    job_id: id,
    status: state,
    done: p.done,
    total: p.total,
    failed: p.failed,
    fps: fps === null ? null : Math.round(fps * 100) / 100,
    eta_s: state === 'running' && fps ? Math.round((p.total - p.done) / fps) : state === 'completed' ? 0 : null,
    created_at: iso(p.createdAt)!,
    started_at: iso(p.startedAt),
    finished_at: iso(p.finishedAt ?? (state === 'completed' ? now : null)),
    errors: p.errors,
    ...(p.workers ? { workers: p.workers } : {}),
  };
}

/** Errors kept per job for the status answer; the results hold every one. */
export const MAX_REPORTED_ERRORS = 100;

export interface JobBackend {
  readonly mode: 'in-process' | 'redis';
  submit(plan: JobPlan): Promise<void>;
  progress(id: string): Promise<JobProgress | undefined>;
  /** Result lines in input order, from `from`, as far as they are contiguous now. */
  results(id: string, from: number): AsyncIterable<string>;
  cancel(id: string): Promise<boolean>;
  close(): Promise<void>;
}
