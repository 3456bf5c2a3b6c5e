import {
  checkEndpointUrl,
  DEFAULT_ENDPOINT_POLICY,
  InvalidEndpointPolicyError,
  validateEndpointPolicy,
  type EndpointPolicy,
} from './user-endpoint.policy';

const policy: EndpointPolicy = { allowHttpHosts: ['LLM.Example.org.'], allowedPorts: [443, 8443], denyCidrs: [] };

function reasonFor(raw: string, given: EndpointPolicy = policy): string | undefined {
  const check = checkEndpointUrl(raw, given);
  return check.ok ? undefined : check.reason;
}

describe('checkEndpointUrl', () => {
  it('accepts an https URL and returns it parsed', () => {
    const check = checkEndpointUrl('https://API.OpenRouter.ai/api/v1?x=1', DEFAULT_ENDPOINT_POLICY);
    expect(check.ok && check.url.href).toBe('https://api.openrouter.ai/api/v1?x=1');
  });

  it('accepts literal IPs here: their range is checked by the address check', () => {
    expect(checkEndpointUrl('https://127.1/', DEFAULT_ENDPOINT_POLICY).ok).toBe(true);
  });

  it.each(['not a url', 'api.example.com/v1', ''])('refuses %j as not a URL', (raw) => {
    expect(reasonFor(raw)).toBe('not a valid URL');
  });

  it.each(['ftp://api.example.com/', 'file:///etc/passwd', 'ws://api.example.com/', 'gopher://api.example.com/'])(
    'refuses the scheme of %s',
    (raw) => {
      expect(reasonFor(raw)).toMatch(/^scheme .* is not allowed/);
    },
  );

  it('refuses plain http for a host an admin did not list', () => {
    expect(reasonFor('http://api.example.com/v1')).toBe('plain http is not allowed for api.example.com; use https');
  });

  it('allows plain http for a listed host, case-insensitively and ignoring a trailing dot', () => {
    expect(checkEndpointUrl('http://llm.example.org/v1', policy).ok).toBe(true);
    expect(checkEndpointUrl('http://LLM.EXAMPLE.ORG./v1', policy).ok).toBe(true);
    expect(reasonFor('http://sub.llm.example.org/v1')).toMatch(/plain http is not allowed/);
  });

  it.each(['https://user:secret@api.example.com/', 'https://user@api.example.com/', 'https://:secret@api.example.com/'])(
    'refuses credentials in %s',
    (raw) => {
      expect(reasonFor(raw)).toBe('credentials in the URL are not allowed');
    },
  );

  it.each(['https://api.example.com/#x', 'https://api.example.com/#'])('refuses the fragment in %s', (raw) => {
    expect(reasonFor(raw)).toBe('a fragment is not allowed');
  });

  it.each([
    'https://localhost/',
    'https://LOCALHOST/',
    'https://localhost./',
    'https://localhost%2e/',
    'https://localhost。/',
    'https://api.localhost/',
    'https://printer.local/',
    'https://metadata.google.internal/',
    'https://metadata.google.internal./',
    'https://box.localdomain/',
    'https://nas.home.arpa/',
  ])('refuses the local-only name in %s before any DNS', (raw) => {
    expect(reasonFor(raw)).toMatch(/is a local-only name$/);
  });

  it.each(['https://metadata/', 'https://kubernetes./'])('refuses the single-label name in %s', (raw) => {
    expect(reasonFor(raw)).toMatch(/is not a fully qualified domain name$/);
  });

  it('allows names that merely contain a local-only word', () => {
    expect(checkEndpointUrl('https://localhost.example.com/', policy).ok).toBe(true);
    expect(checkEndpointUrl('https://internal-api.example.com/', policy).ok).toBe(true);
  });

  it('refuses a port the admin did not allow, and allows 443 and listed ports', () => {
    expect(reasonFor('https://api.example.com:8080/')).toBe('port 8080 is not allowed');
    expect(reasonFor('https://api.example.com:80/')).toBe('port 80 is not allowed');
    expect(checkEndpointUrl('https://api.example.com:443/', policy).ok).toBe(true);
    expect(checkEndpointUrl('https://api.example.com:8443/', policy).ok).toBe(true);
    expect(reasonFor('https://api.example.com:8443/', DEFAULT_ENDPOINT_POLICY)).toBe('port 8443 is not allowed');
  });

  it('keeps 443 allowed for https even when the admin lists only other ports', () => {
    expect(checkEndpointUrl('https://api.example.com/', { ...policy, allowedPorts: [8443] }).ok).toBe(true);
  });

  it('allows a listed http host on 80 or an allowed port, and nothing else', () => {
    expect(checkEndpointUrl('http://llm.example.org:80/', policy).ok).toBe(true);
    expect(checkEndpointUrl('http://llm.example.org:8443/', policy).ok).toBe(true);
    expect(reasonFor('http://llm.example.org:8000/')).toBe('port 8000 is not allowed');
  });
});

describe('validateEndpointPolicy', () => {
  it('accepts the default policy', () => {
    expect(() => validateEndpointPolicy(DEFAULT_ENDPOINT_POLICY)).not.toThrow();
  });

  it('names a bad deny-list CIDR', () => {
    const bad = { ...DEFAULT_ENDPOINT_POLICY, denyCidrs: ['10.0.0.0/8', '10.0.0.0/99'] };
    expect(() => validateEndpointPolicy(bad)).toThrow(InvalidEndpointPolicyError);
    expect(() => validateEndpointPolicy(bad)).toThrow('invalid deny-list CIDR "10.0.0.0/99"');
  });

  it.each([0, 65536, 44.3])('refuses the port %s', (port) => {
    expect(() => validateEndpointPolicy({ ...DEFAULT_ENDPOINT_POLICY, allowedPorts: [port] })).toThrow(`allowed port ${port}`);
  });
});
