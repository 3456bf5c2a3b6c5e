import type { ResolvedAddress, Resolver } from './endpoint.resolver';
import { RefusedEndpointError } from './refused-endpoint.error';
import { guardUserEndpoint } from './user-endpoint.guard';
import { DEFAULT_ENDPOINT_POLICY, type EndpointPolicy } from './user-endpoint.policy';

const PUBLIC_V4: ResolvedAddress = { address: '93.184.215.14', family: 4 };
const PUBLIC_V6: ResolvedAddress = { address: '2606:4700::1111', family: 6 };
const PRIVATE_V4: ResolvedAddress = { address: '10.0.0.5', family: 4 };

const policy: EndpointPolicy = { ...DEFAULT_ENDPOINT_POLICY, denyCidrs: ['198.41.0.0/24', '2620:4f:8000::/48'] };

function answering(...answers: ResolvedAddress[]): jest.MockedFunction<Resolver> {
  return jest.fn(async (_hostname: string) => answers);
}

async function reasonFor(raw: string, resolver: Resolver = answering(PUBLIC_V4)): Promise<string | undefined> {
  const guarded = await guardUserEndpoint(raw, policy, resolver);
  return guarded.ok ? undefined : guarded.reason;
}

describe('guardUserEndpoint', () => {
  it('allows a public endpoint and returns the URL with the address to pin', async () => {
    await expect(guardUserEndpoint('https://api.example.com/v1', policy, answering(PUBLIC_V4, PUBLIC_V6))).resolves.toEqual({
      ok: true,
      url: new URL('https://api.example.com/v1'),
      address: PUBLIC_V4,
    });
  });

  it.each([
    ['https://93.184.215.14/v1', PUBLIC_V4],
    ['https://[2606:4700::1111]/v1', PUBLIC_V6],
    ['https://1572394766/v1', PUBLIC_V4],
  ])('allows the public literal address in %s', async (raw, address) => {
    await expect(guardUserEndpoint(raw, policy, answering())).resolves.toMatchObject({ ok: true, address });
  });

  it.each([
    ['decimal', 'https://2130706433/', 'loopback'],
    ['hex', 'https://0x7f000001/', 'loopback'],
    ['dotted hex', 'https://0x7f.0x0.0x0.0x1/', 'loopback'],
    ['octal', 'https://0177.0.0.1/', 'loopback'],
    ['short form 127.1', 'https://127.1/', 'loopback'],
    ['short form 127.0.1', 'https://127.0.1/', 'loopback'],
    ['mixed radixes', 'https://0xa9.0376.43518/', 'link-local'],
    ['decimal metadata', 'https://2852039166/latest/meta-data/', 'link-local'],
    ['trailing dot', 'https://127.0.0.1./', 'loopback'],
    ['0', 'https://0/', 'unspecified'],
    ['0.0.0.0', 'https://0.0.0.0/', 'unspecified'],
    ['bracketed IPv6 loopback', 'https://[::1]/', 'loopback'],
    ['long-form IPv6 loopback', 'https://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['[::]', 'https://[::]/', 'unspecified'],
    ['IPv4-mapped dotted', 'https://[::ffff:127.0.0.1]/', 'loopback'],
    ['IPv4-mapped hex', 'https://[::ffff:7f00:1]/', 'loopback'],
    ['IPv4-mapped metadata', 'https://[::ffff:169.254.169.254]/', 'link-local'],
    ['IPv4-compatible', 'https://[::127.0.0.1]/', 'loopback'],
    ['NAT64', 'https://[64:ff9b::10.0.0.1]/', 'private'],
    ['IPv6 link-local', 'https://[fe80::1]/', 'link-local'],
    ['IPv6 unique-local', 'https://[fd12:3456::1]/', 'unique-local'],
  ])('refuses the %s literal trick (%s)', async (_trick, raw, kind) => {
    const resolver = answering(PUBLIC_V4);
    expect(await reasonFor(raw, resolver)).toContain(`refused range: ${kind}`);
    expect(resolver).not.toHaveBeenCalled();
  });

  it('refuses an IPv6 literal with a zone id', async () => {
    expect(await reasonFor('https://[fe80::1%25eth0]/')).toBe('not a valid URL');
  });

  it.each(['https://localhost./', 'https://LocalHost/', 'https://a.localhost./', 'https://db.internal/'])(
    'refuses the local-only name %s without resolving it',
    async (raw) => {
      const resolver = answering(PUBLIC_V4);
      expect(await reasonFor(raw, resolver)).toMatch(/local-only name/);
      expect(resolver).not.toHaveBeenCalled();
    },
  );

  it('refuses userinfo, plain http that is not allow-listed, and a port other than 443', async () => {
    expect(await reasonFor('https://me:pw@api.example.com/')).toBe('credentials in the URL are not allowed');
    expect(await reasonFor('http://api.example.com/')).toBe('plain http is not allowed for api.example.com; use https');
    expect(await reasonFor('https://api.example.com:8443/')).toBe('port 8443 is not allowed');
  });

  it('refuses addresses on the admin deny-list, by name and by literal, IPv4 and IPv6', async () => {
    expect(await reasonFor('https://api.example.com/', answering({ address: '198.41.0.4', family: 4 }))).toBe(
      'api.example.com resolves to an address the gateway does not connect to',
    );
    expect(await reasonFor('https://[2620:4f:8000::1]/')).toBe('2620:4f:8000::1 is in the admin deny-list (2620:4f:8000::/48)');
  });

  it('refuses a name resolving to a public and a private address', async () => {
    expect(await reasonFor('https://api.example.com/', answering(PUBLIC_V4, PRIVATE_V4))).toBe(
      'api.example.com resolves to an address the gateway does not connect to',
    );
  });

  it('refuses a name resolving to an IPv6 loopback among public answers', async () => {
    expect(await reasonFor('https://api.example.com/', answering(PUBLIC_V6, { address: '::1', family: 6 }))).toBe(
      'api.example.com resolves to an address the gateway does not connect to',
    );
  });

  it('DNS rebinding: resolves once per check and pins that answer; a later check sees the private answer and refuses', async () => {
    const rebinding: jest.MockedFunction<Resolver> = jest.fn();
    rebinding.mockResolvedValueOnce([PUBLIC_V4]).mockResolvedValue([PRIVATE_V4]);

    const first = await guardUserEndpoint('https://rebind.example.com/v1', policy, rebinding);
    expect(first).toMatchObject({ ok: true, address: PUBLIC_V4 });
    expect(rebinding).toHaveBeenCalledTimes(1);

    const later = await guardUserEndpoint('https://rebind.example.com/v1', policy, rebinding);
    expect(later).toEqual({ ok: false, reason: 'rebind.example.com resolves to an address the gateway does not connect to' });
    expect(rebinding).toHaveBeenCalledTimes(2);
  });
});

describe('RefusedEndpointError', () => {
  it('carries the reason and the invalid_endpoint code for the gateway to render', () => {
    const error = new RefusedEndpointError('api.example.com: 10.0.0.5 is in a refused range: private (10.0.0.0/8)');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'invalid_endpoint', reason: expect.stringContaining('10.0.0.5') });
  });
});
