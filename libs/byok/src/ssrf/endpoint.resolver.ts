import { lookup } from 'node:dns/promises';
import { classifyAddress, parseDenyList } from './address-range.classifier';
import { parseHostLiteral, parseIp, type IpAddress } from './ip-address.normalizer';
import type { EndpointPolicy } from './user-endpoint.policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type AddressCheck = { ok: true; address: ResolvedAddress } | { ok: false; reason: string };

/** Every A and AAAA answer the operating system's resolver gives, in its order. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * The address to connect to for a URL that passed `checkEndpointUrl`. A literal IP is checked as it stands; a name is
 * resolved and refused if any answer is refused, since the client could connect to any of them. The first answer is
 * returned so the connection can be pinned to it. A bad deny-list CIDR throws: it is a config error, not a refusal.
 *
 * A refusal of a name never says what it resolved to, nor which range or deny-list entry matched: the reason reaches
 * the user, and naming the addresses would let anyone read the gateway's internal DNS through it.
 */
export async function resolveSafeAddress(
  url: URL,
  policy: EndpointPolicy,
  resolver: Resolver = systemResolver,
): Promise<AddressCheck> {
  const denyList = parseDenyList(policy.denyCidrs);
  const host = parseHostLiteral(url.hostname);
  if (host.kind === 'malformed') return { ok: false, reason: host.reason };
  if (host.kind === 'ip') {
    const verdict = classifyAddress(host.ip, denyList);
    return verdict.allowed ? { ok: true, address: pinnable(host.ip) } : { ok: false, reason: verdict.reason };
  }

  const candidates = await resolveAll(url.hostname, resolver);
  if (!candidates.ok) return candidates;
  for (const candidate of candidates.addresses) {
    const verdict = classifyAddress(candidate, denyList);
    if (!verdict.allowed) return { ok: false, reason: `${url.hostname} resolves to an address the gateway does not connect to` };
  }
  return { ok: true, address: pinnable(candidates.addresses[0]) };
}

function pinnable(ip: IpAddress): ResolvedAddress {
  return { address: ip.text, family: ip.family };
}

type Resolution = { ok: true; addresses: IpAddress[] } | { ok: false; reason: string };

async function resolveAll(hostname: string, resolver: Resolver): Promise<Resolution> {
  let answers: ResolvedAddress[];
  try {
    answers = await resolver(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, reason: `${hostname} could not be resolved (${code})` };
  }
  if (answers.length === 0) return { ok: false, reason: `${hostname} has no addresses` };
  const addresses: IpAddress[] = [];
  for (const { address } of answers) {
    const parsed = parseIp(address);
    if (!parsed) return { ok: false, reason: `${hostname} resolved to an unreadable address` };
    addresses.push(parsed);
  }
  return { ok: true, addresses };
}
