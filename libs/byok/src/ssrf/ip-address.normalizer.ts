import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number, with its canonical text (dotted decimal, or RFC 5952 IPv6 without brackets). */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly text: string;
}

export type HostLiteral =
  | { kind: 'ip'; ip: IpAddress }
  | { kind: 'name' }
  | { kind: 'malformed'; reason: string };

const HOST_NAME = /^[a-z0-9._-]+$/i;

/**
 * Reads a URL host the way a connecting client would: bracketed or bare IPv6, and IPv4 in every notation the WHATWG
 * URL parser and inet_aton accept (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, mixed radixes). A host that
 * ends in a number but is no valid IPv4 (`1.2.3.4.5`, `999.1.1.1`) is malformed rather than a name, because some
 * resolvers would still read it as an address.
 */
export function parseHostLiteral(host: string): HostLiteral {
  if (host.startsWith('[') || host.includes(':')) return parseIpv6Host(host);
  if (!HOST_NAME.test(host)) return malformed(`"${host}" is not a valid host name`);
  if (!endsInNumber(host)) return { kind: 'name' };
  const value = parseLenientIpv4(host);
  return value === undefined ? malformed(`"${host}" looks numeric but is not a valid IPv4 address`) : ip(ipv4(value));
}

/** Strict parse for addresses from a resolver or an admin's config: dotted-decimal IPv4 or IPv6 without a zone. */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return ipv4(Number(parseLenientIpv4(text)));
  if (isIPv6(text) && !text.includes('%')) return ipv6(ipv6Value(text));
  return undefined;
}

/**
 * The IPv4 address an IPv6 address stands for, so it is checked as that IPv4: IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-compatible `::a.b.c.d` and NAT64 `64:ff9b::a.b.c.d`. `::` and `::1` are IPv6's own unspecified and loopback
 * addresses, not compatible forms.
 */
export function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.family === 4) return undefined;
  const prefix = address.value >> 32n;
  const isMapped = prefix === 0xffffn;
  const isCompatible = prefix === 0n && address.value > 1n;
  const isNat64 = prefix === 0x0064_ff9b_0000_0000_0000_0000n;
  return isMapped || isCompatible || isNat64 ? ipv4(Number(address.value & 0xffff_ffffn)) : undefined;
}

function parseIpv6Host(host: string): HostLiteral {
  const bracketed = host.startsWith('[') && host.endsWith(']');
  const bare = bracketed ? host.slice(1, -1) : host;
  if (bare.includes('%')) return malformed(`"${host}" has an IPv6 zone id`);
  if (!isIPv6(bare)) return malformed(`"${host}" is not a valid IPv6 address`);
  return ip(ipv6(ipv6Value(bare)));
}

/** WHATWG URL "ends in a number": the last label (ignoring one trailing dot) is decimal digits or a 0x number. */
function endsInNumber(host: string): boolean {
  const labels = host.split('.');
  if (labels.length > 1 && labels.at(-1) === '') labels.pop();
  const last = labels.at(-1) ?? '';
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

function parseLenientIpv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  if (parts.length > 4) return undefined;
  const numbers = parts.map(parseIpv4Part);
  if (numbers.some((n) => n === undefined)) return undefined;
  const values = numbers as number[];
  const last = values.pop() as number;
  if (values.some((n) => n > 255) || last >= 256 ** (4 - values.length)) return undefined;
  return values.reduce((sum, n, index) => sum + n * 256 ** (3 - index), last);
}

function parseIpv4Part(part: string): number | undefined {
  if (/^0x/i.test(part)) return digitsIn(part.slice(2), 16, /^[0-9a-f]*$/i);
  if (part.length > 1 && part.startsWith('0')) return digitsIn(part.slice(1), 8, /^[0-7]+$/);
  return digitsIn(part, 10, /^[0-9]+$/);
}

function digitsIn(digits: string, radix: number, allowed: RegExp): number | undefined {
  if (!allowed.test(digits)) return undefined;
  return digits === '' ? 0 : parseInt(digits, radix);
}

/** `text` must already pass `isIPv6`. A dotted IPv4 tail becomes its two hex groups before expanding `::`. */
function ipv6Value(text: string): bigint {
  const withoutDottedTail = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [head, tail] = withoutDottedTail.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

function ipv4(value: number): IpAddress {
  const octets = [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff);
  return { family: 4, value: BigInt(value), text: octets.join('.') };
}

function ipv6(value: bigint): IpAddress {
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  return { family: 6, value, text: formatIpv6(groups) };
}

/** RFC 5952: lower-case hex, no leading zeros, the first longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (groups[start + length] === 0) length++;
    if (length > best.length) best = { start, length };
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

function ip(address: IpAddress): HostLiteral {
  return { kind: 'ip', ip: address };
}

function malformed(reason: string): HostLiteral {
  return { kind: 'malformed', reason };
}
