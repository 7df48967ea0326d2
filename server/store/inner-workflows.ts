// The engine's compile-time resolver for inner workflows given by reference (workflow_workspace_id +
// workflow_id [+ workflow_version_id]): the `local` workspace's files first, then this server's store.
// Definitions only reachable through the Roboflow API are not resolved here (compilation is synchronous).
import path from 'node:path';
import type { WorkflowResolver } from '../../engine/index.ts';
import type { ServerConfig } from '../config.ts';
import { isStoreId, storeVersionOf } from './ids.ts';
import { LOCAL_WORKSPACE, isLocalWorkflowId, readLocalWorkflow } from './local-workflows.ts';
import { WorkflowStore } from './workflow-store.ts';

/** Where saved workflows live: `<dataDir>/workspaces`. */
export function workflowStoreRoot(config: Pick<ServerConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'workspaces');
}

export function innerWorkflowResolver(store: WorkflowStore, modelCacheDir: string): WorkflowResolver {
  return ({ workspace, id, versionId }) => {
    if (workspace === LOCAL_WORKSPACE && isLocalWorkflowId(id)) {
      const local = readLocalWorkflow(modelCacheDir, id);
      if (local) return local;
    }
    if (!isStoreId(workspace) || !isStoreId(id)) return undefined;
    if (versionId === null) return store.definitionSync(workspace, id);
    const version = storeVersionOf(versionId);
    return version === undefined ? undefined : store.definitionSync(workspace, id, version);
  };
}
