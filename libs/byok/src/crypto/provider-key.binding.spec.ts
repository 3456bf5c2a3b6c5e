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
      encodeProviderKeyBinding({ userId, providerName }).toString('hex');
    const encodings = pairs.map(encode);
    expect(new Set(encodings).size).toBe(pairs.length);
  });

  it('is not fooled by a separator character inside a field', () => {
    const a = encodeProviderKeyBinding({ userId: 'u\u0000p', providerName: 'x' });
    const b = encodeProviderKeyBinding({ userId: 'u', providerName: 'p\u0000x' });
    expect(a.equals(b)).toBe(false);
  });

  it('prefixes each field with its UTF-8 byte length', () => {
    const encoded = encodeProviderKeyBinding({ userId: 'é', providerName: 'openai' });
    const domainLength = encoded.readUInt32BE(0);
    const userIdAt = 4 + domainLength;
    expect(encoded.readUInt32BE(userIdAt)).toBe(2);
    expect(encoded.subarray(userIdAt + 4, userIdAt + 6).toString('utf8')).toBe('é');
    expect(encoded.readUInt32BE(userIdAt + 6)).toBe(6);
    expect(encoded.subarray(userIdAt + 10).toString('utf8')).toBe('openai');
  });

  it('is deterministic', () => {
    const binding = { userId: 'user-1', providerName: 'openai-main' };
    expect(encodeProviderKeyBinding(binding).equals(encodeProviderKeyBinding({ ...binding }))).toBe(true);
  });
});
