import { embeddedIpv4, parseIp, type IpAddress } from './ip-address.normalizer';

export interface Cidr {
  readonly network: IpAddress;
  readonly prefixLength: number;
  readonly text: string;
}

export type AddressClassification = { allowed: true } | { allowed: false; reason: string };

/** An admin's deny-list entry that is not a CIDR: a configuration error, reported with the offending entry. */
export class InvalidCidrError extends Error {
  constructor(
    readonly cidr: string,
    problem: string,
  ) {
    super(`invalid deny-list CIDR "${cidr}": ${problem}`);
  }
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address for a single host. Host bits must be zero. */
export function parseCidr(text: string): Cidr {
  const [address, prefix, ...rest] = text.trim().split('/');
  const network = parseIp(address);
  if (network === undefined || rest.length > 0) throw new InvalidCidrError(text, 'not an IP address with a prefix');
  const width = network.family === 4 ? 32 : 128;
  const prefixLength = prefix === undefined ? width : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(prefixLength >= 0 && prefixLength <= width)) throw new InvalidCidrError(text, `prefix must be 0–${width}`);
  if (network.value & hostMask(network.family, prefixLength)) throw new InvalidCidrError(text, 'host bits are set');
  return { network, prefixLength, text: `${network.text}/${prefixLength}` };
}

export function parseDenyList(cidrs: readonly string[]): Cidr[] {
  return cidrs.map(parseCidr);
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.network.family !== address.family) return false;
  return (address.value & ~hostMask(address.family, cidr.prefixLength)) === cidr.network.value;
}

const range = (cidr: string, kind: string) => ({ cidr: parseCidr(cidr), kind });

// First match wins, so narrower ranges come before the ranges that contain them.
const REFUSED_IPV4 = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (cloud metadata)'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved (6to4 relay anycast)'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

// Teredo and 6to4 tunnel to IPv4 hosts through relays we cannot vet; no API a user points us at lives there.
const REFUSED_IPV6 = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fe80::/10', 'link-local'),
  range('fc00::/7', 'unique-local'),
  range('ff00::/8', 'multicast'),
  range('2001::/32', 'Teredo tunnel'),
  range('2001:2::/48', 'benchmarking'),
  range('2001::/23', 'IETF protocol assignments'),
  range('2001:db8::/32', 'documentation'),
  range('2002::/16', '6to4 tunnel'),
  range('3fff::/20', 'documentation'),
];

const GLOBAL_UNICAST = parseCidr('2000::/3');

/**
 * Whether the gateway may connect to `address`. An IPv6 form of an IPv4 address (mapped, compatible, NAT64) is
 * judged as that IPv4; the deny-list applies to both forms.
 */
export function classifyAddress(address: IpAddress, denyList: readonly Cidr[] = []): AddressClassification {
  const ipv4 = embeddedIpv4(address);
  const refusedRange = refusedRangeOf(ipv4 ?? address);
  if (refusedRange) {
    const subject = ipv4 ? `${address.text} maps to ${ipv4.text}, which` : address.text;
    return { allowed: false, reason: `${subject} is in a refused range: ${refusedRange}` };
  }
  const denied = denyList.find((cidr) => cidrContains(cidr, address) || (ipv4 && cidrContains(cidr, ipv4)));
  if (denied) return { allowed: false, reason: `${address.text} is in the admin deny-list (${denied.text})` };
  return { allowed: true };
}

function refusedRangeOf(address: IpAddress): string | undefined {
  const table = address.family === 4 ? REFUSED_IPV4 : REFUSED_IPV6;
  const known = table.find(({ cidr }) => cidrContains(cidr, address));
  if (known) return `${known.kind} (${known.cidr.text})`;
  const isReservedIpv6 = address.family === 6 && !cidrContains(GLOBAL_UNICAST, address);
  if (isReservedIpv6) return `reserved (outside ${GLOBAL_UNICAST.text})`;
  return undefined;
}

function hostMask(family: 4 | 6, prefixLength: number): bigint {
  const width = family === 4 ? 32 : 128;
  return (1n << BigInt(width - prefixLength)) - 1n;
}
