// Which workspace the Save box writes to. The `examples` workspace holds the workflows the server ships
// (seeded once); saving an edited example there would quietly replace what new users see, so saves made
// while browsing it go to another workspace (`default` unless the user names one).
export const EXAMPLES_WORKSPACE = 'examples';
export const DEFAULT_WORKSPACE = 'default';

/** The Save box's workspace when the dialog is browsing `browsing`. */
export function saveWorkspaceFor(browsing: string): string {
  return browsing === EXAMPLES_WORKSPACE || !browsing ? DEFAULT_WORKSPACE : browsing;
}

/** Why a save into `workspace` is refused, or null when it may go ahead. */
export function saveWorkspaceProblem(workspace: string): string | null {
  if (workspace === EXAMPLES_WORKSPACE)
    return `'${EXAMPLES_WORKSPACE}' keeps the shipped examples as they are: save into another workspace (e.g. '${DEFAULT_WORKSPACE}').`;
  if (!/^[\w-]+$/.test(workspace)) return 'Workspace: letters, digits, _ and - only.';
  return null;
}

/** One line for a saved workflow in the open list: its first version's message, else its definition's description. */
export function workflowDescription(firstMessage: unknown, definition: unknown): string | null {
  if (typeof firstMessage === 'string' && firstMessage.trim()) return firstMessage.trim();
  const description = (definition as { description?: unknown } | null)?.description;
  return typeof description === 'string' && description.trim() ? description.trim() : null;
}
