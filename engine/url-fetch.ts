// Fetches image bytes from a URL with limits: size cap, manual redirects (capped, each target checked), timeout,
// abort signal, and the network policy of ./net/address-policy.ts (private / loopback / link-local addresses in
// any IPv4 or IPv6 spelling refused unless allowed; the checked address is the one connected to).
import { InputImageLoadError } from './errors.ts';
import { AddressNotAllowedError, type NetworkPolicy } from './net/address-policy.ts';
import { pinnedRequest, ResponseTooLargeError } from './net/pinned-http.ts';

export { isPrivateAddress } from './net/address-policy.ts';

export interface UrlFetchOptions {
  allowPrivateNetworks?: boolean;
  urlAllowList?: string[];
  maxUrlBytes?: number;
  maxRedirects?: number;
  urlTimeoutMs?: number;
  /** The request's abort signal (client gone, time limit). */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_URL_BYTES = 20 * 1024 * 1024;

function schemeError(url: URL): InputImageLoadError {
  return new InputImageLoadError(
    `Unsupported image URL scheme '${url.protocol}': only http: and https: URLs are fetched (send file contents as base64)`,
  );
}

export async function fetchUrlBytes(rawUrl: string, options: UrlFetchOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;
  const policy: NetworkPolicy = { allowPrivateNetworks: options.allowPrivateNetworks, allowList: options.urlAllowList };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InputImageLoadError(`Invalid image URL '${rawUrl.slice(0, 120)}'`);
  }
  const deadline = AbortSignal.timeout(options.urlTimeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw schemeError(url);
    let response;
    try {
      response = await pinnedRequest(url, { policy, maxBytes, signal });
    } catch (error) {
      if (error instanceof AddressNotAllowedError)
        throw new InputImageLoadError(`Refusing to load image from ${url.href}: ${error.message}`);
      if (error instanceof ResponseTooLargeError)
        throw new InputImageLoadError(`Image at ${url.href} is larger than ${maxBytes} bytes`);
      if (options.signal?.aborted) throw options.signal.reason;
      const reason = deadline.aborted
        ? `no answer within ${options.urlTimeoutMs ?? 10_000} ms`
        : (error as Error).message;
      throw new InputImageLoadError(`Could not fetch image from ${url.href}: ${reason}`);
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      if (redirects >= maxRedirects) throw new InputImageLoadError(`Too many redirects fetching image from ${rawUrl}`);
      url = new URL(location, url);
      continue;
    }
    if (response.status < 200 || response.status >= 300)
      throw new InputImageLoadError(`Could not fetch image from ${url.href}: HTTP ${response.status}`);
    return response.body;
  }
}
