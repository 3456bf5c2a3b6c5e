import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { ResolvedAddress } from './endpoint.resolver';
import { parseIp } from './ip-address.normalizer';
import { RefusedEndpointError } from './refused-endpoint.error';

export interface PinnedDispatcherOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Trust anchors that replace the system store. Only for tests with a throwaway CA. */
  ca?: string | Buffer;
}

/**
 * An undici agent that only talks to `url`'s origin, and always over a connection to `address`: its lookup answers
 * with the pinned address and never asks DNS, so a changed DNS answer cannot move it. TLS still sends the URL's
 * host name as SNI and verifies the certificate against it, whatever Host header a request carries. Requests for any
 * other origin are refused, and redirects are returned, not followed (undici follows them only with its redirect
 * interceptor, which this agent does not compose).
 */
export function createPinnedDispatcher(url: URL, address: ResolvedAddress, options: PinnedDispatcherOptions): Agent {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = parseIp(hostname);
  if (literal && literal.text !== parseIp(address.address)?.text) {
    throw new RefusedEndpointError(`${url.host} is a literal address; it cannot be pinned to ${address.address}`);
  }
  const servername = literal ? undefined : hostname;
  const connectPinned = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: pinnedLookup(address),
    rejectUnauthorized: true,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  return new Agent({
    connect: (target, callback) => {
      const origin = `${target.protocol}//${target.host}`;
      if (origin !== url.origin) {
        callback(new RefusedEndpointError(`${origin} is not the pinned origin ${url.origin}`), null);
        return;
      }
      connectPinned({ ...target, servername }, callback);
    },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
}

/** A `net` lookup that answers every query with `address`, in whichever callback form the caller asked for. */
export function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}
