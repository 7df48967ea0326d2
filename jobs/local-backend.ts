// The embedded default: jobs run inside the server process, results appended to a JSON Lines file under the data
// directory with their offsets kept in memory, so a large job's results never sit in memory whole.
import fs from 'node:fs';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { runJobItem, type ItemRunner } from './run-item.ts';
import { MAX_REPORTED_ERRORS, type JobBackend, type JobPlan, type JobProgress } from './types.ts';

interface LocalJob {
  plan: JobPlan;
  progress: JobProgress;
  file: string;
  /** Byte range of each index's line in `file`; -1 while not written. */
  offsets: Float64Array;
  lengths: Int32Array;
  writes: Promise<void>;
  size: number;
}

export class InProcessJobBackend implements JobBackend {
  readonly mode = 'in-process' as const;
  readonly #jobs = new Map<string, LocalJob>();
  readonly #limit: LimitFunction;

  constructor(
    private readonly runner: ItemRunner,
    concurrency: number,
  ) {
    this.#limit = pLimit(Math.max(1, concurrency));
  }

  async submit(plan: JobPlan): Promise<void> {
    const dir = path.join(this.runner.dataDir, 'jobs', plan.id);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'results.jsonl');
    fs.writeFileSync(file, '');
    const total = plan.items.length;
    const job: LocalJob = {
      plan,
      progress: {
        total,
        done: 0,
        failed: 0,
        createdAt: plan.createdAt,
        startedAt: null,
        finishedAt: total === 0 ? plan.createdAt : null,
        cancelled: false,
        errors: [],
      },
      file,
      offsets: new Float64Array(total).fill(-1),
      lengths: new Int32Array(total),
      writes: Promise.resolve(),
      size: 0,
    };
    this.#jobs.set(plan.id, job);
    for (let start = 0; start < total; start += plan.chunkSize) {
      const end = Math.min(total, start + plan.chunkSize);
      void this.#limit(() => this.#runChunk(job, start, end));
    }
  }

  async #runChunk(job: LocalJob, start: number, end: number): Promise<void> {
    for (let index = start; index < end; index++) {
      if (job.progress.cancelled) return;
      job.progress.startedAt ??= Date.now();
      const result = await runJobItem(job.plan, index, job.plan.items[index]!, this.runner);
      await this.#append(job, index, result.line);
      const p = job.progress;
      p.done++;
      if (result.error) {
        p.failed++;
        if (p.errors.length < MAX_REPORTED_ERRORS) p.errors.push({ index, ...result.error });
      }
      if (p.done === p.total) p.finishedAt = Date.now();
    }
  }

  #append(job: LocalJob, index: number, line: string): Promise<void> {
    const bytes = Buffer.from(line + '\n');
    job.writes = job.writes.then(async () => {
      await fs.promises.appendFile(job.file, bytes);
      job.offsets[index] = job.size;
      job.lengths[index] = bytes.length;
      job.size += bytes.length;
    });
    return job.writes;
  }

  async progress(id: string): Promise<JobProgress | undefined> {
    return this.#jobs.get(id)?.progress;
  }

  async *results(id: string, from: number): AsyncIterable<string> {
    const job = this.#jobs.get(id);
    if (!job) return;
    const handle = await fs.promises.open(job.file, 'r');
    try {
      for (let index = from; index < job.plan.items.length && job.offsets[index]! >= 0; index++) {
        const buffer = Buffer.alloc(job.lengths[index]!);
        await handle.read(buffer, 0, buffer.length, job.offsets[index]!);
        yield buffer.toString('utf8', 0, buffer.length - 1);
      }
    } finally {
      await handle.close();
    }
  }

  async cancel(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job) return false;
    if (job.progress.done < job.progress.total) job.progress.cancelled = true;
    return true;
  }

  async close(): Promise<void> {
    for (const job of this.#jobs.values()) job.progress.cancelled ||= job.progress.done < job.progress.total;
    await Promise.all([...this.#jobs.values()].map((job) => job.writes));
  }
}
