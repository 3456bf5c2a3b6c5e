import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface MockAwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type SignatureCheck =
  | { ok: true; accessKeyId: string }
  | { ok: false; errorType: 'UnrecognizedClientException' | 'InvalidSignatureException' | 'MissingAuthenticationTokenException'; message: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Checks a request's SigV4 signature the way AWS does: the signature is computed again, with the secret of the access
 * key id it names and the request's own `x-amz-date`, over the headers it says it signed, and compared.
 */
export async function verifySignature(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer },
  credentials: readonly MockAwsCredential[],
  region: string,
): Promise<SignatureCheck> {
  const authorization = String(request.headers.authorization ?? '');
  const parsed = AUTHORIZATION.exec(authorization);
  if (!parsed) return { ok: false, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, accessKeyId, , signedRegion, service, signedHeaderList] = parsed;
  const credential = credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!credential) return { ok: false, errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if ((credential.sessionToken ?? '') !== String(request.headers['x-amz-security-token'] ?? '')) {
    return { ok: false, errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (signedRegion !== region || service !== 'bedrock') {
    return { ok: false, errorType: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service 'bedrock'.` };
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaderList.split(';')) headers[name] = String(request.headers[name] ?? '');
  const signingDate = parseAmzDate(headers['x-amz-date'] ?? '');
  if (!signingDate) return { ok: false, errorType: 'InvalidSignatureException', message: 'The request must contain a valid x-amz-date header.' };
  // A signed payload hash header stands for the body in the signature: it must be the body's.
  const payloadHash = headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== (await sha256Hex(request.body))) {
    return { ok: false, errorType: 'InvalidSignatureException', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
  }
  const queryStart = request.path.indexOf('?');
  const expected = await new SignatureV4({ service: 'bedrock', region, credentials: credential, sha256: Hash.bind(null, 'sha256') }).sign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: headers.host ?? '',
      path: queryStart === -1 ? request.path : request.path.slice(0, queryStart),
      headers,
      body: request.body,
    }),
    { signingDate },
  );
  if (expected.headers.authorization !== authorization) {
    return {
      ok: false,
      errorType: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ok: true, accessKeyId };
}

/** `20261203T115000Z` → that instant. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

async function sha256Hex(body: Buffer): Promise<string> {
  const hash = new Hash('sha256');
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}
