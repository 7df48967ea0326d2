// Errors of the saved-workflow store; their HTTP statuses are rows of server/error-map.ts.
// `details` carries extra body fields (e.g. current_version on a conflict) that the workspace routes add.
import { PlatformError } from '../../engine/index.ts';

/** A workspace id, workflow id or version in a request is malformed (never touches the disk). */
export class InvalidStoreIdError extends PlatformError {
  override readonly blame = 'client';
}

/** A store request body is missing a field or has one of the wrong type. */
export class InvalidStoreRequestError extends PlatformError {
  override readonly blame = 'client';
}

/** The workflow (or the requested version of it) is not saved here and could not be fetched. */
export class SavedWorkflowNotFoundError extends PlatformError {
  override readonly blame = 'client';
}

/** A save was based on a version that is no longer the latest; details.current_version says which is. */
export class WorkflowVersionConflictError extends PlatformError {
  override readonly blame = 'client';
  constructor(
    message: string,
    readonly currentVersion: number | null,
  ) {
    super(message, { current_version: currentVersion });
  }
}

/** A save failed because the disk (or quota) holding the store is full: 507, naming the cause, never the path. */
export class StorageFullError extends PlatformError {}
