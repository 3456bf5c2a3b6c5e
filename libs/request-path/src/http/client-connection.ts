import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Ties upstream calls to the client's connection: when the client goes away before its response is finished, the
 * upstream request is aborted at once. The connection is itself the abort signal undici takes (an emitter of
 * `abort`, much cheaper per request than an AbortController); `abortSignal` makes a standard AbortSignal, on first
 * use, for the APIs that need one (MCP tool calls).
 */
export class ClientConnection extends EventEmitter {
  private disconnected = false;
  private controller: AbortController | undefined;

  constructor(private readonly response: ServerResponse) {
    super();
    response.once('close', this.onClose);
  }

  get isDisconnected(): boolean {
    return this.disconnected;
  }

  get abortSignal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.disconnected) this.controller.abort();
    }
    return this.controller.signal;
  }

  private readonly onClose = (): void => {
    if (this.response.writableFinished) return;
    this.disconnected = true;
    this.emit('abort');
    this.controller?.abort();
  };
}
