// Fetches image bytes from a URL with limits: size cap, manual redirects (capped), timeout, and refusal of
// private / loopback / link-local / unspecified addresses unless allowed (checked after DNS and per redirect).
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { InputImageLoadError } from './errors.ts';

export interface UrlFetchOptions {
  allowPrivateNetworks?: boolean;
  urlAllowList?: string[];
  maxUrlBytes?: number;
  maxRedirects?: number;
  urlTimeoutMs?: number;
}

export const DEFAULT_MAX_URL_BYTES = 20 * 1024 * 1024;

function ipv4Private(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    a >= 224
  );
}

/** True for addresses a server must not be tricked into calling (SSRF). */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return ipv4Private(ip);
  const lower = ip.toLowerCase().replace(/^\[|\]$/g, '');
  if (lower === '::' || lower === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return ipv4Private(mapped[1]!);
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
}

async function checkHost(url: URL, options: UrlFetchOptions): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (options.allowPrivateNetworks || options.urlAllowList?.includes(host)) return;
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new InputImageLoadError(`Could not resolve image URL host '${host}'`);
  if (addresses.some(isPrivateAddress)) {
    throw new InputImageLoadError(
      `Refusing to load image from '${host}': it resolves to a private, loopback or link-local address`,
    );
  }
}

export async function fetchUrlBytes(rawUrl: string, options: UrlFetchOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InputImageLoadError(`Invalid image URL '${rawUrl}'`);
  }
  const signal = AbortSignal.timeout(options.urlTimeoutMs ?? 10_000);
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InputImageLoadError(`Unsupported image URL scheme '${url.protocol}'`);
    await checkHost(url, options);
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'manual', signal });
    } catch (error) {
      throw new InputImageLoadError(`Could not fetch image from ${url.href}: ${(error as Error).message}`);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      await response.body?.cancel();
      if (redirects >= maxRedirects) throw new InputImageLoadError(`Too many redirects fetching image from ${rawUrl}`);
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    if (!response.ok) throw new InputImageLoadError(`Could not fetch image from ${url.href}: HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new InputImageLoadError(`Image at ${url.href} is larger than ${maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > maxBytes) throw new InputImageLoadError(`Image at ${url.href} is larger than ${maxBytes} bytes`);
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof InputImageLoadError) throw error;
      throw new InputImageLoadError(`Could not read image from ${url.href}: ${(error as Error).message}`);
    }
    return Buffer.concat(chunks);
  }
}
