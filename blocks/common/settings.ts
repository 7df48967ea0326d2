// What blocks may touch on this machine. The server reads these once (server/config.ts) and hands them to every
// step as context.services.settings; a block run without them (unit tests, embedded engines) gets the defaults.
import type { NetworkPolicy, StepContext } from '../../engine/index.ts';

export interface BlockSettings {
  /** environment_secrets_store may read variables (ALLOW_WORKFLOW_BLOCKS_ACCESSING_ENVIRONMENTAL_VARIABLES). */
  allowEnvironmentAccess: boolean;
  /** The variables environment_secrets_store reads from: the server's environment snapshot. */
  environment: Readonly<Record<string, string | undefined>>;
  /** The only variables environment_secrets_store may read (WORKFLOW_SECRETS_ALLOWED); empty = none. */
  secretsAllowed: readonly string[];
  /** Where webhook and e-mail sinks may connect (SINKS_ALLOW_PRIVATE_NETWORKS, SINK_ALLOW_LIST). */
  sinkNetwork: NetworkPolicy;
  /** File sinks may write (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE). */
  allowLocalStorage: boolean;
  /**
   * File sinks write only under this directory (WORKFLOW_BLOCKS_WRITE_DIRECTORY, the server defaults it to
   * <data dir>/outputs); relative target directories are taken from it. Unset (embedded engines): anywhere but
   * /proc, /sys and /dev.
   */
  writeDirectory: string | undefined;
}

export const DEFAULT_BLOCK_SETTINGS: BlockSettings = {
  allowEnvironmentAccess: true,
  environment: {},
  secretsAllowed: [],
  sinkNetwork: {},
  allowLocalStorage: true,
  writeDirectory: undefined,
};

export function blockSettings(context: StepContext): BlockSettings {
  const given = context.services.settings as Partial<BlockSettings> | undefined;
  return given ? { ...DEFAULT_BLOCK_SETTINGS, ...given } : DEFAULT_BLOCK_SETTINGS;
}
