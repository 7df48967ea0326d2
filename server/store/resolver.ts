// The one resolver of saved workflows (docs/roboflow-compatibility.md#saved-workflows), shared by the predefined-
// workflow routes, jobs and the engine. resolve(): the `local` workspace's files, the local store; then, with an
// api key, the Roboflow API. Remote definitions are mirrored into the store (persistRemote) and refreshed on
// later calls; a local save on top of a mirror makes it a local workflow that the API no longer overrides.
// resolveInner(): the engine's compile-time lookup for inner workflows given by reference, the same local places
// only (compilation is synchronous, so nothing is fetched from the API there).
import type { ExecutionEngine, WorkflowReference } from '../../engine/index.ts';
import { RoboflowAPIConnectionError, RoboflowAPITimeoutError } from '../../engine/index.ts';
import { SavedWorkflowNotFoundError } from './errors.ts';
import { checkStoreId, isStoreId, storeVersionOf } from './ids.ts';
import { LOCAL_WORKSPACE, isLocalWorkflowId, readLocalWorkflow } from './local-workflows.ts';
import type { RemoteWorkflowSource } from './remote.ts';
import type { WorkflowStore } from './workflow-store.ts';

export interface ResolveRequest {
  apiKey?: string;
  /** Roboflow's workflow_version_id; for local workflows a version number. */
  versionId?: string | null;
  useCache?: boolean;
}

export class SavedWorkflowResolver {
  constructor(
    private readonly store: WorkflowStore,
    readonly remote: RemoteWorkflowSource,
    /** Compiles mirrored definitions (to save one that does not compile as a draft). */
    private readonly engine: Pick<ExecutionEngine, 'compile'>,
    private readonly persistRemote: boolean,
    /** MODEL_CACHE_DIR: where the `local` workspace's workflow files live. */
    private readonly modelCacheDir?: string,
  ) {}

  /** Inner-workflow references at compile time: the `local` workspace's files, then this server's store. */
  resolveInner({ workspace, id, versionId }: WorkflowReference): Record<string, unknown> | undefined {
    if (workspace === LOCAL_WORKSPACE && this.modelCacheDir !== undefined && isLocalWorkflowId(id)) {
      const local = readLocalWorkflow(this.modelCacheDir, id);
      if (local) return local;
    }
    if (!isStoreId(workspace) || !isStoreId(id)) return undefined;
    if (versionId === null) return this.store.definitionSync(workspace, id);
    const version = storeVersionOf(versionId);
    return version === undefined ? undefined : this.store.definitionSync(workspace, id, version);
  }

  async resolve(workspace: string, id: string, request: ResolveRequest): Promise<Record<string, unknown>> {
    if (workspace === LOCAL_WORKSPACE && this.modelCacheDir !== undefined && isLocalWorkflowId(id)) {
      const local = readLocalWorkflow(this.modelCacheDir, id);
      if (local) return local;
    }
    checkStoreId(workspace, 'workspace');
    checkStoreId(id, 'workflow_id');
    const versionId = request.versionId ?? null;
    const localVersion = versionId === null ? undefined : storeVersionOf(versionId);
    const latest = await this.store.get(workspace, id);

    if (latest && (latest.source === 'local' || !request.apiKey)) {
      if (versionId === null) return latest.definition;
      const chosen = localVersion !== undefined ? await this.store.get(workspace, id, localVersion) : null;
      if (chosen) return chosen.definition;
      throw new SavedWorkflowNotFoundError(
        `Workflow '${id}' in workspace '${workspace}' has no version ${JSON.stringify(versionId)}.`,
      );
    }
    if (!request.apiKey) {
      throw new SavedWorkflowNotFoundError(
        `Workflow '${id}' is not saved in workspace '${workspace}' on this server, and no API key was given to fetch it from Roboflow.`,
      );
    }
    let specification: Record<string, unknown>;
    try {
      specification = await this.remote.getSpecification(workspace, id, {
        apiKey: request.apiKey,
        versionId,
        useCache: request.useCache,
      });
    } catch (error) {
      // The mirror is the fallback when the API cannot be reached (Roboflow's file cache does the same).
      const unreachable = error instanceof RoboflowAPIConnectionError || error instanceof RoboflowAPITimeoutError;
      if (unreachable && latest && versionId === null) return latest.definition;
      throw error;
    }
    if (this.persistRemote && versionId === null) await this.mirror(workspace, id, specification, latest?.definition);
    return specification;
  }

  private async mirror(
    workspace: string,
    id: string,
    specification: Record<string, unknown>,
    stored: Record<string, unknown> | undefined,
  ): Promise<void> {
    if (stored && JSON.stringify(stored) === JSON.stringify(specification)) return;
    let compiles = true;
    try {
      this.engine.compile(specification);
    } catch {
      compiles = false;
    }
    try {
      await this.store.save(workspace, id, {
        definition: specification,
        draft: !compiles,
        author: 'roboflow-api',
        message: 'Fetched from the Roboflow API',
        source: 'remote',
      });
    } catch (error) {
      // Mirroring is best effort; the run itself does not depend on it.
      console.warn(`Could not mirror workflow ${workspace}/${id} into the store:`, (error as Error).message);
    }
  }
}
