// Where the saved-workflow store lives. (Inner workflows given by reference are resolved by the one
// SavedWorkflowResolver, server/store/resolver.ts.)
import path from 'node:path';
import type { ServerConfig } from '../config.ts';

/** Where saved workflows live: `<dataDir>/workspaces`. */
export function workflowStoreRoot(config: Pick<ServerConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'workspaces');
}
