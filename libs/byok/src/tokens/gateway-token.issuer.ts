import { hash, randomBytes } from 'node:crypto';
import { hint } from '@tollgate/keypool';

export interface IssuedGatewayToken {
  /** Shown to the caller once; never stored. */
  token: string;
  tokenHash: string;
  hint: string;
}

/** SHA-256 hex: gateway tokens are 256-bit random values, so a fast unsalted hash is enough to make them unusable. */
export function hashGatewayToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function issueGatewayToken(): IssuedGatewayToken {
  const token = `tg_${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashGatewayToken(token), hint: hint(token) };
}
