// What blocks may touch on this machine. The server reads these once (server/config.ts) and hands them to every
// step as context.services.settings; a block run without them (unit tests, embedded engines) gets the defaults.
import type { StepContext } from '../../engine/index.ts';

export interface BlockSettings {
  /** environment_secrets_store may read variables (ALLOW_WORKFLOW_BLOCKS_ACCESSING_ENVIRONMENTAL_VARIABLES). */
  allowEnvironmentAccess: boolean;
  /** The variables environment_secrets_store reads from: the server's environment snapshot. */
  environment: Readonly<Record<string, string | undefined>>;
  /** File sinks may write (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE). */
  allowLocalStorage: boolean;
  /** File sinks write only under this directory when set (WORKFLOW_BLOCKS_WRITE_DIRECTORY). */
  writeDirectory: string | undefined;
}

export const DEFAULT_BLOCK_SETTINGS: BlockSettings = {
  allowEnvironmentAccess: true,
  environment: {},
  allowLocalStorage: true,
  writeDirectory: undefined,
};

export function blockSettings(context: StepContext): BlockSettings {
  const given = context.services.settings as Partial<BlockSettings> | undefined;
  return given ? { ...DEFAULT_BLOCK_SETTINGS, ...given } : DEFAULT_BLOCK_SETTINGS;
}
