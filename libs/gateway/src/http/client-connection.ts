import type { ServerResponse } from 'node:http';

/**
 * Ties an upstream call to the client's connection: when the client goes away before the response is finished,
 * the upstream request is aborted at once.
 */
export class ClientConnection {
  readonly upstreamAbort = new AbortController();
  private disconnected = false;

  constructor(private readonly response: ServerResponse) {
    response.once('close', this.onClose);
  }

  get isDisconnected(): boolean {
    return this.disconnected;
  }

  private readonly onClose = (): void => {
    if (this.response.writableFinished) return;
    this.disconnected = true;
    this.upstreamAbort.abort();
  };
}
