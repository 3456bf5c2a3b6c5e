import { isJsonObject } from '../json-value';

/** Anthropic's error `type` for each Bedrock error (`x-amzn-ErrorType`, or an event stream's `:exception-type`). */
const ANTHROPIC_TYPE_OF_BEDROCK_ERROR: Readonly<Record<string, string>> = {
  validationexception: 'invalid_request_error',
  throttlingexception: 'rate_limit_error',
  servicequotaexceededexception: 'rate_limit_error',
  modelnotreadyexception: 'overloaded_error',
  serviceunavailableexception: 'overloaded_error',
  accessdeniedexception: 'permission_error',
  unrecognizedclientexception: 'authentication_error',
  invalidsignatureexception: 'authentication_error',
  incompletesignatureexception: 'authentication_error',
  missingauthenticationtokenexception: 'authentication_error',
  expiredtokenexception: 'authentication_error',
  resourcenotfoundexception: 'not_found_error',
  modeltimeoutexception: 'timeout_error',
  modelerrorexception: 'api_error',
  modelstreamerrorexception: 'api_error',
  internalserverexception: 'api_error',
};

function anthropicTypeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** `ThrottlingException:http://internal.amazon.com/coral/…` → `ThrottlingException`. */
export function bedrockErrorName(errorType: string | undefined): string | undefined {
  if (!errorType) return undefined;
  const name = errorType.split(':')[0].trim();
  return name === '' ? undefined : name;
}

/** Anthropic's error type for a Bedrock error name, else for the status. */
export function anthropicErrorType(errorName: string | undefined, status: number): string {
  return (errorName && ANTHROPIC_TYPE_OF_BEDROCK_ERROR[errorName.toLowerCase()]) ?? anthropicTypeOfStatus(status);
}

/**
 * The message of a Bedrock error body (`{"message": …}`, some services `{"Message": …}`). A signature error's
 * message can quote the canonical request, which holds the session token: only its first sentence is kept.
 */
export function bedrockErrorMessage(body: Buffer, fallback: string): string {
  let message: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isJsonObject(parsed)) {
      const value = parsed.message ?? parsed.Message;
      if (typeof value === 'string') message = value;
    }
  } catch {
    message = undefined;
  }
  if (!message) return fallback;
  const canonical = message.indexOf('The Canonical String');
  return (canonical === -1 ? message : message.slice(0, canonical)).trim();
}

/** A Bedrock error answer as the body of Anthropic's error shape (the status stays Bedrock's). */
export function anthropicErrorFromBedrock(status: number, errorType: string | undefined, body: Buffer): string {
  const name = bedrockErrorName(errorType);
  const message = bedrockErrorMessage(body, name ? `Bedrock answered ${name}` : `Bedrock answered HTTP ${status}`);
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(name, status), message } });
}
