// Errors of the WebSocket run channel; their statuses are rows of server/error-map.ts, and they reach the client
// as `{"type": "error", "status", "error"}` messages with the same body an HTTP answer would carry.
import { PlatformError } from '../../engine/index.ts';

/** A message that is not JSON, not an object, or of an unknown type. */
export class RunChannelMessageError extends PlatformError {
  override readonly blame = 'client';
}

/** A run was sent while another one is still going on the same socket. */
export class RunChannelBusyError extends PlatformError {
  override readonly blame = 'client';
}
