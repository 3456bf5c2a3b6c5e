import { encodeProviderKeyBinding } from './provider-key.binding';

describe('encodeProviderKeyBinding', () => {
  it('keeps field boundaries: moving characters between fields changes the encoding', () => {
    const pairs: Array<[string, string]> = [
      ['ab', 'c'],
      ['a', 'bc'],
      ['abc', ''],
      ['', 'abc'],
    ];
    const encode = ([userId, providerName]: [string, string]) =>
      encodeProviderKeyBinding({ userId, providerName, baseUrl: null }).toString('hex');
    const encodings = pairs.map(encode);
    expect(new Set(encodings).size).toBe(pairs.length);
  });

  it('is not fooled by a separator character inside a field', () => {
    const a = encodeProviderKeyBinding({ userId: 'u\u0000p', providerName: 'x', baseUrl: null });
    const b = encodeProviderKeyBinding({ userId: 'u', providerName: 'p\u0000x', baseUrl: null });
    expect(a.equals(b)).toBe(false);
  });

  it('prefixes each field with its UTF-8 byte length', () => {
    const encoded = encodeProviderKeyBinding({ userId: 'é', providerName: 'openai', baseUrl: null });
    const domainLength = encoded.readUInt32BE(0);
    const userIdAt = 4 + domainLength;
    expect(encoded.readUInt32BE(userIdAt)).toBe(2);
    expect(encoded.subarray(userIdAt + 4, userIdAt + 6).toString('utf8')).toBe('é');
    expect(encoded.readUInt32BE(userIdAt + 6)).toBe(6);
    expect(encoded.subarray(userIdAt + 10, userIdAt + 16).toString('utf8')).toBe('openai');
  });

  it('is deterministic', () => {
    const binding = { userId: 'user-1', providerName: 'openai-main', baseUrl: null };
    expect(encodeProviderKeyBinding(binding).equals(encodeProviderKeyBinding({ ...binding }))).toBe(true);
  });

  it('binds the endpoint: another URL, no URL and an empty URL all encode differently; the legacy encoding leaves it out', () => {
    const row = { userId: 'gina', providerName: 'compat' };
    const encodings = [
      encodeProviderKeyBinding({ ...row, baseUrl: 'https://a.example/v1/' }),
      encodeProviderKeyBinding({ ...row, baseUrl: 'https://b.example/v1/' }),
      encodeProviderKeyBinding({ ...row, baseUrl: null }),
      encodeProviderKeyBinding({ ...row, baseUrl: '' }),
      encodeProviderKeyBinding({ ...row, baseUrl: 'https://a.example/v1/' }, 'legacy'),
    ].map((encoded) => encoded.toString('hex'));
    expect(new Set(encodings).size).toBe(encodings.length);
    expect(encodeProviderKeyBinding({ ...row, baseUrl: 'https://a.example/v1/' }, 'legacy').equals(encodeProviderKeyBinding({ ...row, baseUrl: null }, 'legacy'))).toBe(true);
  });
});
