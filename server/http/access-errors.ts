// Refusals of the access layer (server/http/access.ts). Their statuses are rows of server/error-map.ts.

/** Base of every access refusal; `hint` says what the caller can do about it. */
export class AccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** SIGHTLINE_API_KEY is set and the request carried no key or a wrong one. */
export class MissingAccessKeyError extends AccessError {}
export class InvalidAccessKeyError extends AccessError {}
/** The Host header names none of the server's addresses nor ALLOWED_HOSTS (DNS rebinding). */
export class HostNotAllowedError extends AccessError {}
/** A browser page on another origin, not in ALLOW_ORIGINS. */
export class OriginNotAllowedError extends AccessError {}
/** A form-like state-changing request sent by a page on another site. */
export class CrossSiteFormPostError extends AccessError {}
/** SIGHTLINE_READ_ONLY refuses the write routes. */
export class ReadOnlyServerError extends AccessError {}
