import { resolveSafeAddress, systemResolver, type ResolvedAddress, type Resolver } from './endpoint.resolver';
import { DEFAULT_ENDPOINT_POLICY } from './user-endpoint.policy';

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

function answering(...answers: ResolvedAddress[]): jest.MockedFunction<Resolver> {
  return jest.fn(async (_hostname: string) => answers);
}

describe('resolveSafeAddress', () => {
  it('checks a literal IP without asking the resolver', async () => {
    const resolver = answering(v4('93.184.215.14'));
    await expect(resolveSafeAddress(new URL('https://0x7f000001/'), DEFAULT_ENDPOINT_POLICY, resolver)).resolves.toEqual({
      ok: false,
      reason: '127.0.0.1 is in a refused range: loopback (127.0.0.0/8)',
    });
    await expect(resolveSafeAddress(new URL('https://[2606:4700::1111]/'), DEFAULT_ENDPOINT_POLICY, resolver)).resolves.toEqual({
      ok: true,
      address: v6('2606:4700::1111'),
    });
    expect(resolver).not.toHaveBeenCalled();
  });

  it('pins the first answer when every answer is allowed', async () => {
    const resolver = answering(v6('2606:4700::1111'), v4('93.184.215.14'));
    await expect(resolveSafeAddress(new URL('https://api.example.com/'), DEFAULT_ENDPOINT_POLICY, resolver)).resolves.toEqual({
      ok: true,
      address: v6('2606:4700::1111'),
    });
    expect(resolver).toHaveBeenCalledWith('api.example.com');
  });

  it('refuses a name when any answer is refused, even after a public one', async () => {
    const resolver = answering(v4('93.184.215.14'), v4('10.1.2.3'));
    await expect(resolveSafeAddress(new URL('https://mixed.example.com/'), DEFAULT_ENDPOINT_POLICY, resolver)).resolves.toEqual({
      ok: false,
      reason: 'mixed.example.com resolves to an address the gateway does not connect to',
    });
  });

  it('refuses a name answered with an IPv4-mapped metadata address', async () => {
    const resolver = answering(v6('::ffff:169.254.169.254'));
    const check = await resolveSafeAddress(new URL('https://sneaky.example.com/'), DEFAULT_ENDPOINT_POLICY, resolver);
    expect(check).toEqual({ ok: false, reason: 'sneaky.example.com resolves to an address the gateway does not connect to' });
  });

  it('refuses a name on the admin deny-list', async () => {
    const policy = { ...DEFAULT_ENDPOINT_POLICY, denyCidrs: ['93.184.215.0/24'] };
    const check = await resolveSafeAddress(new URL('https://api.example.com/'), policy, answering(v4('93.184.215.14')));
    expect(check).toEqual({ ok: false, reason: 'api.example.com resolves to an address the gateway does not connect to' });
  });

  it('refuses a name with no addresses', async () => {
    const check = await resolveSafeAddress(new URL('https://empty.example.com/'), DEFAULT_ENDPOINT_POLICY, answering());
    expect(check).toEqual({ ok: false, reason: 'empty.example.com has no addresses' });
  });

  it('refuses a name the resolver cannot resolve', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const check = await resolveSafeAddress(new URL('https://gone.example.com/'), DEFAULT_ENDPOINT_POLICY, failing);
    expect(check).toEqual({ ok: false, reason: 'gone.example.com could not be resolved (ENOTFOUND)' });
  });

  it('refuses an answer that is not a plain IP address', async () => {
    const check = await resolveSafeAddress(new URL('https://odd.example.com/'), DEFAULT_ENDPOINT_POLICY, answering(v4('0x7f000001')));
    expect(check).toEqual({ ok: false, reason: 'odd.example.com resolved to an unreadable address' });
  });

  it.each([
    ['a private range', v4('10.20.30.40'), DEFAULT_ENDPOINT_POLICY],
    ['loopback', v6('::1'), DEFAULT_ENDPOINT_POLICY],
    ['the admin deny-list', v4('93.184.215.14'), { ...DEFAULT_ENDPOINT_POLICY, denyCidrs: ['93.184.215.0/24'] }],
  ])('names neither the resolved address nor the range when a name resolves into %s (no DNS oracle)', async (_where, answer, policy) => {
    const check = await resolveSafeAddress(new URL('https://probe.example.com/'), policy, answering(v4('198.41.0.4'), answer));
    expect(check.ok).toBe(false);
    const reason = check.ok ? '' : check.reason;
    for (const revealing of [answer.address, '198.41.0.4', '/8', '/24', '/128', 'private', 'loopback', 'deny-list']) {
      expect([revealing, reason.includes(revealing)]).toEqual([revealing, false]);
    }
  });

  it('throws on a bad deny-list CIDR: a config error, not a refusal', async () => {
    const policy = { ...DEFAULT_ENDPOINT_POLICY, denyCidrs: ['10.0.0.0/abc'] };
    await expect(resolveSafeAddress(new URL('https://api.example.com/'), policy, answering(v4('93.184.215.14')))).rejects.toThrow(
      'invalid deny-list CIDR "10.0.0.0/abc"',
    );
  });
});

describe('systemResolver', () => {
  it('answers a numeric host without DNS, with its family', async () => {
    await expect(systemResolver('127.0.0.1')).resolves.toEqual([v4('127.0.0.1')]);
    await expect(systemResolver('::1')).resolves.toEqual([v6('::1')]);
  });
});
