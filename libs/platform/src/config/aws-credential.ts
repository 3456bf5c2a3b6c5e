/**
 * An AWS access key as one pool entry. The key pool hands out strings (it fingerprints, states and hints them), so an
 * `{accessKeyId, secretAccessKey, sessionToken}` entry of a Bedrock provider's `keys` becomes one string in this
 * form at load time; whoever signs a request decodes it again. A plain string entry is a Bedrock API key (Bearer).
 */
export interface AwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const AWS_CREDENTIAL_PREFIX = 'aws-sigv4:';

export function encodeAwsCredential(credential: AwsCredential): string {
  return AWS_CREDENTIAL_PREFIX + JSON.stringify([credential.accessKeyId, credential.secretAccessKey, credential.sessionToken ?? '']);
}

/** The AWS credential a pool entry encodes, or undefined when the entry is a Bedrock API key. */
export function decodeAwsCredential(entry: string): AwsCredential | undefined {
  if (!entry.startsWith(AWS_CREDENTIAL_PREFIX)) return undefined;
  const [accessKeyId, secretAccessKey, sessionToken] = JSON.parse(entry.slice(AWS_CREDENTIAL_PREFIX.length)) as [string, string, string];
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
