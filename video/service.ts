// What the /inference_pipelines/* routes need from pipelines, whether they run in this process (PipelineManager)
// or on queue workers (jobs/redis/pipelines-api.ts): every call async, addressed by id.
import type { InitialiseRequest, PipelineManager } from './manager.ts';
import type { FrameMetadata } from './pipeline.ts';

export interface ConsumeResult {
  outputs: Array<Record<string, unknown> | null>;
  frames_metadata: Array<FrameMetadata | null>;
}

export interface PipelineService {
  readonly mode: 'in-process' | 'redis';
  list(): Promise<string[]>;
  initialise(request: InitialiseRequest): Promise<string>;
  report(id: string): Promise<Record<string, unknown>>;
  command(id: string, command: 'pause' | 'resume' | 'terminate'): Promise<void>;
  consume(id: string, excluded: readonly string[]): Promise<ConsumeResult>;
  close(): Promise<void>;
}

export class LocalPipelines implements PipelineService {
  readonly mode = 'in-process' as const;
  constructor(readonly manager: PipelineManager) {}

  async list(): Promise<string[]> {
    return this.manager.list();
  }

  async initialise(request: InitialiseRequest): Promise<string> {
    return (await this.manager.initialise(request)).id;
  }

  async report(id: string): Promise<Record<string, unknown>> {
    return this.manager.get(id).report();
  }

  async command(id: string, command: 'pause' | 'resume' | 'terminate'): Promise<void> {
    if (command === 'terminate') await this.manager.terminate(id);
    else this.manager.get(id)[command]();
  }

  consume(id: string, excluded: readonly string[]): Promise<ConsumeResult> {
    return this.manager.get(id).consume(excluded);
  }

  close(): Promise<void> {
    return this.manager.close();
  }
}
