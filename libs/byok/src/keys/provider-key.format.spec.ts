import { PROVIDER_DESCRIPTIONS, azureOpenaiDescription } from '@tollgate/providers';
import { checkProviderKeyFormat } from './provider-key.format';

const OPENAI_KEY = 'sk-test-abcDEF0123456789_-xyz';
const ANTHROPIC_KEY = 'sk-ant-test03-abcDEF0123456789_-xyz';
const NO_WHITESPACE = 'a provider key must not contain spaces or line breaks';
const PRINTABLE_ASCII = 'a provider key must contain only printable ASCII characters';

describe('checkProviderKeyFormat', () => {
  it.each([
    ['openai', OPENAI_KEY],
    ['openai', 'sk-legacy0123456789abcdef'],
    ['anthropic', ANTHROPIC_KEY],
    ['gemini', 'AIzaSyD-test_0123456789abcdefABCDEF0123'],
  ] as const)('accepts an %s key', (providerType, key) => {
    expect(checkProviderKeyFormat(providerType, key)).toEqual({ ok: true, key });
  });

  it.each(['openai', 'anthropic'] as const)('trims surrounding whitespace from an %s key', (providerType) => {
    const key = providerType === 'openai' ? OPENAI_KEY : ANTHROPIC_KEY;
    expect(checkProviderKeyFormat(providerType, ` \t${key}\r\n`)).toEqual({ ok: true, key });
    expect(checkProviderKeyFormat(providerType, `\u00a0${key}\ufeff`)).toEqual({ ok: true, key });
  });

  it.each([
    ['openai', 'pk-abc0123456789', 'an OpenAI key starts with sk-'],
    ['openai', 'SK-abc0123456789', 'an OpenAI key starts with sk-'],
    ['openai', 'sk-', 'an OpenAI key continues after sk-'],
    ['anthropic', OPENAI_KEY, 'an Anthropic key starts with sk-ant-'],
    ['anthropic', 'sk-ant-', 'an Anthropic key continues after sk-ant-'],
    ['gemini', OPENAI_KEY, 'a Gemini API key starts with AIza'],
    ['gemini', 'AIza', 'a Gemini API key continues after AIza'],
  ] as const)('rejects an %s key %j: %s', (providerType, key, rule) => {
    expect(checkProviderKeyFormat(providerType, key)).toEqual({ ok: false, rule });
  });

  describe.each(['openai', 'anthropic', 'custom'] as const)('rules shared by %s keys', (kind) => {
    const providerType = kind === 'custom' ? 'openai' : kind;
    const options = { custom: kind === 'custom' };
    const valid = kind === 'anthropic' ? ANTHROPIC_KEY : OPENAI_KEY;
    const check = (raw: string) => checkProviderKeyFormat(providerType, raw, options);

    const around = (inner: string) => `${valid.slice(0, 10)}${inner}${valid.slice(10)}`;

    it.each([
      ['empty', '', 'a provider key must not be empty'],
      ['whitespace only', ' \n\t ', 'a provider key must not be empty'],
      ['an inner space', around(' '), NO_WHITESPACE],
      ['an inner newline', around('\n'), NO_WHITESPACE],
      ['an inner tab', around('\t'), NO_WHITESPACE],
      ['a NUL', `${valid}\u0000`, PRINTABLE_ASCII],
      ['an escape', around('\u001b'), PRINTABLE_ASCII],
      ['a DEL', `${valid}\u007f`, PRINTABLE_ASCII],
      ['non-ASCII', `${valid}é`, PRINTABLE_ASCII],
      ['a zero-width space', around('\u200b'), PRINTABLE_ASCII],
      ['more than 512 bytes', `${valid}${'a'.repeat(513 - valid.length)}`, 'a provider key must be at most 512 bytes'],
    ])('rejects %s', (_case, raw, rule) => {
      const result = check(raw);
      expect(result).toEqual({ ok: false, rule });
      if (!result.ok && raw.trim() !== '') expect(result.rule).not.toContain(raw.trim().slice(0, 8));
    });

    it('accepts exactly 512 bytes, counted after trimming', () => {
      const key = `${valid}${'a'.repeat(512 - valid.length)}`;
      expect(check(`  ${key}  `)).toEqual({ ok: true, key });
    });
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    expect(checkProviderKeyFormat('openai', `sk-${'é'.repeat(300)}`)).toEqual({
      ok: false,
      rule: 'a provider key must be at most 512 bytes',
    });
  });

  it('accepts any printable key for a custom endpoint, whatever the provider type', () => {
    const token = 'my-endpoint-token';
    expect(checkProviderKeyFormat('openai', token, { custom: true })).toEqual({ ok: true, key: token });
    expect(checkProviderKeyFormat('anthropic', ' x ', { custom: true })).toEqual({ ok: true, key: 'x' });
    expect(checkProviderKeyFormat('openai', '!~"#$%&\'()*+,./:;<=>?@[\\]^_`{|}', { custom: true }).ok).toBe(true);
  });

  it('never puts the submitted key in the rule', () => {
    const secret = 'THE-SECRET-part';
    const attempts = [
      checkProviderKeyFormat('openai', `pk-${secret}`),
      checkProviderKeyFormat('anthropic', `sk-${secret}`),
      checkProviderKeyFormat('openai', `sk-${secret} tail`),
      checkProviderKeyFormat('openai', `sk-${secret}\u0001`),
      checkProviderKeyFormat('openai', `sk-${secret}${'x'.repeat(600)}`, { custom: true }),
    ];
    for (const result of attempts) {
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain('SECRET');
    }
  });
});

describe('checkProviderKeyFormat for Azure OpenAI instances', () => {
  const azure = azureOpenaiDescription(PROVIDER_DESCRIPTIONS.openai, 'api-key', undefined);

  it('takes the 32-character and 84-character Azure keys, which have no sk- prefix', () => {
    expect(checkProviderKeyFormat(azure, ' 0123456789abcdef0123456789abcdef ')).toEqual({ ok: true, key: '0123456789abcdef0123456789abcdef' });
    const long = 'A1b2C3d4E5'.repeat(8) + 'F6g7';
    expect(long).toHaveLength(84);
    expect(checkProviderKeyFormat(azure, long)).toEqual({ ok: true, key: long });
  });

  it('still refuses what no key is, and keeps the sk- rule for plain OpenAI instances', () => {
    expect(checkProviderKeyFormat(azure, 'has a space')).toMatchObject({ ok: false });
    expect(checkProviderKeyFormat(azure, '')).toMatchObject({ ok: false });
    expect(checkProviderKeyFormat('openai', '0123456789abcdef0123456789abcdef')).toEqual({ ok: false, rule: 'an OpenAI key starts with sk-' });
  });
});
