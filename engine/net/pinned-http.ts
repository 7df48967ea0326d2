// One HTTP(S) request whose connection goes only to addresses the network policy allows (resolved once, checked,
// connected to; see pinnedLookup), with a byte cap, a deadline and an abort signal. Redirects are the caller's.
import http from 'node:http';
import https from 'node:https';
import {
  AddressNotAllowedError,
  checkLiteralHost,
  bareHost,
  pinnedLookup,
  type NetworkPolicy,
} from './address-policy.ts';

export interface PinnedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  policy: NetworkPolicy;
  /** Refuse bodies larger than this (bytes). */
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PinnedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response is larger than ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export function pinnedRequest(url: URL, options: PinnedRequest): Promise<PinnedResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new AddressNotAllowedError(url.protocol, 'is not an allowed URL scheme'));
  try {
    checkLiteralHost(bareHost(url), options.policy);
  } catch (error) {
    return Promise.reject(error);
  }
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => !!s,
  );
  const signal = signals.length ? AbortSignal.any(signals) : undefined;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolveOnce, rejectOnce) => {
    // Settle once: destroying a response emits 'aborted'/'close' synchronously, which must not replace the reason
    // the response was cut (too large) with "connection closed".
    let settled = false;
    const resolve = (value: PinnedResponse) => {
      if (settled) return;
      settled = true;
      resolveOnce(value);
    };
    const reject = (error: unknown) => {
      if (settled) return;
      settled = true;
      rejectOnce(error);
    };
    const request = client.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        lookup: pinnedLookup(options.policy),
        // A fresh connection per request: a pooled socket would skip the lookup (and the check).
        agent: false,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let total = 0;
        const max = options.maxBytes ?? Infinity;
        const declared = Number(response.headers['content-length']);
        if (declared > max) {
          reject(new ResponseTooLargeError(max));
          response.destroy();
          return;
        }
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > max) {
            reject(new ResponseTooLargeError(max));
            response.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        // The peer cut the body short: node says 'aborted' (an error) or just closes; say what happened.
        const cut = (cause?: unknown) => reject(new Error('connection closed before the response ended', { cause }));
        response.on('error', (error) => (response.complete ? reject(error) : cut(error)));
        response.on('close', () => {
          if (!response.complete) cut();
        });
      },
    );
    request.on('error', (error) => {
      if (signal?.aborted && !(error instanceof AddressNotAllowedError)) {
        const reason = signal.reason as Error | undefined;
        reject(reason?.name === 'TimeoutError' ? new Error(`no answer within ${options.timeoutMs} ms`) : reason);
        return;
      }
      reject(error);
    });
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}
