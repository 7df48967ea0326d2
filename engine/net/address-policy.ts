// Which network addresses a request may make the server call (SSRF policy), shared by image URLs, sinks and
// video stream URLs. Every IPv6 form that embeds an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4,
// Teredo) is judged by the IPv4 address it reaches; ipaddr.js does the parsing and range tables.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export interface NetworkPolicy {
  /** Allow private, loopback, link-local and other non-global addresses (default false). */
  allowPrivateNetworks?: boolean;
  /** Host names, IP addresses or CIDR ranges allowed even when they are not global addresses. */
  allowList?: readonly string[];
}

/** A URL or address the policy refuses; `reason` is safe to show to the client (names no resolved address). */
export class AddressNotAllowedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`'${host}' ${reason}`);
    this.name = 'AddressNotAllowedError';
  }
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function v4FromBytes(bytes: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4(bytes);
}

/** The addresses an address reaches: itself, or the IPv4 addresses an IPv6 transition form carries. */
export function reachedAddresses(ip: string): Address[] {
  const parsed = ipaddr.parse(ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (parsed.kind() === 'ipv4') return [parsed];
  const v6 = parsed as ipaddr.IPv6;
  const b = v6.toByteArray();
  const last32 = b.slice(12, 16);
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return [v4FromBytes(last32)];
  // IPv4-compatible (::a.b.c.d, deprecated): ipaddr.js calls it unicast, the stack may still route it to IPv4.
  if (b.slice(0, 12).every((x) => x === 0) && range !== 'loopback' && range !== 'unspecified')
    return [v4FromBytes(last32)];
  // Local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215): the IPv4 address sits in the last 32 bits too.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b[4] === 0 && b[5] === 1)
    return [v4FromBytes(last32)];
  if (range === '6to4') return [v6, v4FromBytes(b.slice(2, 6))];
  if (range === 'teredo') return [v6, v4FromBytes(b.slice(4, 8)), v4FromBytes(last32.map((x) => x ^ 0xff))];
  return [v6];
}

function isGlobal(address: Address): boolean {
  const range = address.range();
  // 6to4 and Teredo are judged by the IPv4 addresses they carry (checked separately).
  return range === 'unicast' || range === '6to4' || range === 'teredo';
}

/** True for addresses a server must not be tricked into calling (SSRF); unparsable input counts as private. */
export function isPrivateAddress(ip: string): boolean {
  try {
    return !reachedAddresses(ip).every(isGlobal);
  } catch {
    return true;
  }
}

function allowListed(host: string, ip: string | undefined, policy: NetworkPolicy): boolean {
  const list = policy.allowList ?? [];
  if (list.length === 0) return false;
  const lowerHost = host.toLowerCase().replace(/^\[|\]$/g, '');
  let reached: Address[] = [];
  try {
    if (ip) reached = reachedAddresses(ip);
  } catch {
    reached = [];
  }
  for (const entry of list) {
    const e = entry.trim().toLowerCase();
    if (!e) continue;
    if (e === lowerHost) return true;
    if (!ip) continue;
    try {
      if (e.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(e);
        if (reached.some((a) => a.kind() === range.kind() && a.match(range, bits))) return true;
      } else if (ipaddr.isValid(e)) {
        const wanted = ipaddr.process(e).toString();
        if (reached.some((a) => a.toString() === wanted) || ipaddr.process(ip).toString() === wanted) return true;
      }
    } catch {
      // A malformed entry matches nothing.
    }
  }
  return false;
}

/** Whether `ip`, reached for `host`, may be called under `policy`. */
export function isAddressAllowed(ip: string, host: string, policy: NetworkPolicy = {}): boolean {
  if (policy.allowPrivateNetworks) return true;
  return !isPrivateAddress(ip) || allowListed(host, ip, policy);
}

const NON_PUBLIC = 'a private, loopback, link-local or otherwise non-public address';
/** Names resolve to addresses; a literal address is one. */
const REFUSED = `resolves to ${NON_PUBLIC}`;
const REFUSED_LITERAL = `is ${NON_PUBLIC}`;

/** Strips IPv6 brackets from a URL's hostname. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * A `lookup` for net/tls/http connections that resolves once, refuses the host when any of its addresses is not
 * allowed, and hands exactly the checked addresses to the socket: what was checked is what gets connected to,
 * so DNS rebinding between check and connect is impossible. Host header and TLS SNI keep the original name.
 */
export function pinnedLookup(policy: NetworkPolicy): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses as dns.LookupAddress[];
      if (list.length === 0) return callback(new AddressNotAllowedError(hostname, 'could not be resolved'));
      if (!list.every((a) => isAddressAllowed(a.address, hostname, policy)))
        return callback(new AddressNotAllowedError(hostname, REFUSED));
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  }) as net.LookupFunction;
}

/**
 * Checks a literal IP host now (sockets skip `lookup` for literals); names are checked by pinnedLookup at connect
 * time. Throws AddressNotAllowedError.
 */
export function checkLiteralHost(host: string, policy: NetworkPolicy): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare) && !isAddressAllowed(bare, bare, policy)) throw new AddressNotAllowedError(bare, REFUSED_LITERAL);
}

/**
 * The one question "may the server call this URL": scheme http(s) (or those given), literal or resolved
 * addresses allowed by `policy`. For callers that connect by other means (ffmpeg for streams) — they should
 * connect to the returned address where they can. Throws AddressNotAllowedError.
 */
export async function checkUrlAllowed(
  rawUrl: string,
  policy: NetworkPolicy,
  schemes: readonly string[] = ['http:', 'https:'],
): Promise<{ url: URL; addresses: string[] }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new AddressNotAllowedError(rawUrl.slice(0, 120), 'is not a valid URL');
  }
  if (!schemes.includes(url.protocol))
    throw new AddressNotAllowedError(url.protocol, `is not an allowed URL scheme (allowed: ${schemes.join(', ')})`);
  const host = bareHost(url);
  if (net.isIP(host)) {
    checkLiteralHost(host, policy);
    return { url, addresses: [host] };
  }
  const addresses = await new Promise<string[]>((resolve, reject) =>
    pinnedLookup(policy)(host, { all: true }, ((error: Error | null, list: dns.LookupAddress[]) =>
      error
        ? reject(
            error instanceof AddressNotAllowedError ? error : new AddressNotAllowedError(host, 'could not be resolved'),
          )
        : resolve(list.map((a) => a.address))) as never),
  );
  return { url, addresses };
}
