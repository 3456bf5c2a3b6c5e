import type { GatewayErrorKind } from '@tollgate/providers';

/** What went wrong, independent of the provider; `writeGatewayError` renders it in the provider's shape. */
export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
