import fc from 'fast-check';
import { extractCredentials, GATEWAY_TOKEN_PREFIX } from './credentials.extractor';
import type { RequestHeaders } from './request-headers';
import type { ProviderType } from '../provider-type';
import { describeProvider } from '../description/provider-descriptions';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 500 };

const providerType = fc.constantFrom<ProviderType>('openai', 'anthropic', 'gemini');

/** Visible header characters: what a key or token is made of. */
const visible = fc.string({ unit: fc.mapToConstant({ num: 94, build: (v) => String.fromCharCode(0x21 + v) }), minLength: 1, maxLength: 40 });
const gatewayToken = visible.map((rest) => `${GATEWAY_TOKEN_PREFIX}${rest}`);
const providerKey = visible.filter((value) => !value.startsWith(GATEWAY_TOKEN_PREFIX));
const blanks = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
const bearerWord = fc.mixedCase(fc.constant('bearer'));

/** Values as Node hands them over: strings of header-legal bytes, sometimes repeated headers as arrays. */
const rawValue = fc.oneof(
  fc.string({ unit: fc.mapToConstant({ num: 95, build: (v) => String.fromCharCode(0x20 + v) }), maxLength: 60 }),
  fc.tuple(bearerWord, blanks, fc.oneof(gatewayToken, providerKey, fc.constant('')), blanks).map((parts) => parts.join(' ')),
  gatewayToken,
  providerKey,
);
const headers: fc.Arbitrary<RequestHeaders> = fc.dictionary(
  fc.constantFrom('authorization', 'x-api-key', 'x-goog-api-key', 'x-tollgate-token', 'content-type'),
  fc.oneof(rawValue, fc.array(rawValue, { maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 4 },
);

describe('extractCredentials properties', () => {
  it('never throws, never hands a tg_ value upstream as a provider key, never uses one header for both', () => {
    fc.assert(
      fc.property(providerType, headers, (type, bag) => {
        const found = extractCredentials(type, bag);
        if (found.byokCredential !== undefined) {
          expect(found.byokCredential.startsWith(GATEWAY_TOKEN_PREFIX)).toBe(false);
          expect(found.byokHeader).not.toBe(found.gatewayTokenHeader);
        }
        for (const value of [found.gatewayToken, found.byokCredential]) {
          if (value !== undefined) expect(value).toBe(value.trim());
          if (value !== undefined) expect(value).not.toBe('');
        }
        expect(found.gatewayToken === undefined).toBe(found.gatewayTokenHeader === undefined);
        expect(found.byokCredential === undefined).toBe(found.byokHeader === undefined);
      }),
      RUNS,
    );
  });

  it('reads back the token and key it was given, whatever the scheme case and padding', () => {
    fc.assert(
      fc.property(providerType, gatewayToken, providerKey, bearerWord, blanks, blanks, (type, token, key, bearer, before, after) => {
        const header = describeProvider(type).clientCredentialHeaders[0];
        const keyHeader = { [header]: header === 'authorization' ? `${before}${bearer} ${before}${key}${after}` : `${before}${key}${after}` };
        expect(extractCredentials(type, { 'x-tollgate-token': `${before}${token}${after}`, ...keyHeader })).toEqual({
          gatewayToken: token,
          gatewayTokenHeader: 'x-tollgate-token',
          byokCredential: key,
          byokHeader: header,
        });
      }),
      RUNS,
    );
  });

  it('a non-blank X-Tollgate-Token always wins over a tg_ value elsewhere', () => {
    fc.assert(
      fc.property(providerType, visible, gatewayToken, gatewayToken, (type, explicit, bearer, apiKey) => {
        const found = extractCredentials(type, { 'x-tollgate-token': explicit, authorization: `Bearer ${bearer}`, 'x-api-key': apiKey });
        expect(found.gatewayToken).toBe(explicit);
        expect(found.byokCredential).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('reads a padded Authorization header in linear time (a crafted header must not block the event loop)', () => {
    // Found by fuzzing: /^\s*bearer\s+(\S.*?)\s*$/ backtracked quadratically over a run of inner spaces: a 16 KB
    // header (Node's default limit) held the event loop for ~0.3 s per request.
    fc.assert(
      fc.property(providerType, fc.integer({ min: 4_000, max: 16_000 }), fc.constantFrom('x', '\0', '\u00a0'), (type, spaces, last) => {
        const header = `Bearer a${' '.repeat(spaces)}b${last}`;
        const started = process.hrtime.bigint();
        const found = extractCredentials(type, { authorization: header });
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        const readsBearer = describeProvider(type).clientCredentialHeaders.includes('authorization');
        expect(found.byokCredential).toBe(readsBearer ? header.slice('Bearer '.length).trim() : undefined);
        expect(elapsedMs).toBeLessThan(40);
      }),
      { numRuns: 20 },
    );
  });
});
