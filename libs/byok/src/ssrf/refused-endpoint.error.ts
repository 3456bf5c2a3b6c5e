/**
 * A user endpoint the SSRF guard refused. The gateway answers 400 `invalid_endpoint` when a user saves it, and 502
 * when a saved endpoint is refused at request time (its DNS now points somewhere refused).
 */
export class RefusedEndpointError extends Error {
  readonly code = 'invalid_endpoint';

  constructor(readonly reason: string) {
    super(`refused endpoint: ${reason}`);
  }
}
