import { hashGatewayToken, issueGatewayToken } from './gateway-token.issuer';

describe('issueGatewayToken', () => {
  it('issues distinct tg_ tokens with their hash and a hint that does not reveal them', () => {
    const first = issueGatewayToken();
    const second = issueGatewayToken();
    expect(first.token).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);
    expect(first.token).not.toBe(second.token);
    expect(first.tokenHash).toBe(hashGatewayToken(first.token));
    expect(first.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hint).toBe(`${first.token.slice(0, 4)}...${first.token.slice(-4)}`);
  });
});
