import { parseDenyList } from './address-range.classifier';
import { parseHostLiteral } from './ip-address.normalizer';

/**
 * What an admin allows for user-supplied endpoints.
 * - `allowHttpHosts`: hosts that may use plain http (case-insensitive, a trailing dot ignored). Only the scheme is
 *   relaxed: their addresses are checked like any other.
 * - `allowedPorts`: ports allowed besides the scheme's default; https always allows 443, and http (only for
 *   `allowHttpHosts`) always allows 80.
 * - `denyCidrs`: extra refused ranges, IPv4 or IPv6.
 */
export interface EndpointPolicy {
  allowHttpHosts: readonly string[];
  allowedPorts: readonly number[];
  denyCidrs: readonly string[];
}

export const DEFAULT_ENDPOINT_POLICY: EndpointPolicy = { allowHttpHosts: [], allowedPorts: [443], denyCidrs: [] };

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export class InvalidEndpointPolicyError extends Error {}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80 };
const LOCAL_ONLY_SUFFIXES = ['.localhost', '.local', '.internal', '.localdomain', '.home.arpa'];

/** Throws on a policy the guard could not apply (a bad CIDR, a port out of range); run it when config loads. */
export function validateEndpointPolicy(policy: EndpointPolicy): void {
  const badPort = policy.allowedPorts.find((port) => !Number.isInteger(port) || port < 1 || port > 65535);
  if (badPort !== undefined) throw new InvalidEndpointPolicyError(`allowed port ${badPort} is not a TCP port`);
  try {
    parseDenyList(policy.denyCidrs);
  } catch (error) {
    throw new InvalidEndpointPolicyError((error as Error).message, { cause: error });
  }
}

/** The rules a URL must pass before any DNS: scheme, port, no credentials or fragment, no local-only names. */
export function checkEndpointUrl(raw: string, policy: EndpointPolicy): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a valid URL');
  }
  const host = url.hostname;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse(`scheme ${url.protocol} is not allowed; use https`);
  }
  if (url.protocol === 'http:' && !isHttpAllowed(host, policy)) {
    return refuse(`plain http is not allowed for ${host}; use https`);
  }
  if (url.username || url.password) return refuse('credentials in the URL are not allowed');
  if (url.href.includes('#')) return refuse('a fragment is not allowed');
  if (!host) return refuse('a host is required');

  const literal = parseHostLiteral(host);
  if (literal.kind === 'malformed') return refuse(literal.reason);
  if (literal.kind === 'name') {
    const nameProblem = localOnlyNameProblem(host);
    if (nameProblem) return refuse(nameProblem);
  }

  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  if (port !== DEFAULT_PORTS[url.protocol] && !policy.allowedPorts.includes(port)) {
    return refuse(`port ${port} is not allowed`);
  }
  return { ok: true, url };
}

function isHttpAllowed(host: string, policy: EndpointPolicy): boolean {
  const wanted = comparableHost(host);
  return policy.allowHttpHosts.some((allowed) => comparableHost(allowed) === wanted);
}

/** Names that resolve to this machine or its network by convention, whatever public DNS says. */
function localOnlyNameProblem(host: string): string | undefined {
  const name = comparableHost(host);
  if (name === 'localhost' || LOCAL_ONLY_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return `${host} is a local-only name`;
  }
  if (!name.includes('.')) return `${host} is not a fully qualified domain name`;
  return undefined;
}

function comparableHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function refuse(reason: string): UrlCheck {
  return { ok: false, reason };
}
