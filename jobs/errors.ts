// Errors of the jobs API. Statuses live in server/error-map.ts like every other error's.

/** No job with this id (never submitted, or its record expired). */
export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
}

/** A job request that cannot run as given: names the field and what was expected. */
export class JobRequestError extends Error {
  override name = 'JobRequestError';
}

/** Queue mode is configured but Redis cannot be reached: queue routes answer 503 until it is back. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
  readonly retryAfterS = 5;
}
