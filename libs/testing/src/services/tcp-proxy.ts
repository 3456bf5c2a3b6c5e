import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a shared service (Postgres, Redis) so that a fault test can break *its own* connections
 * without stopping the service other test files use.
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Open client connections. */
  readonly connections: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  /** Stalls the network: connections stay open (new ones are accepted) but no byte is forwarded until `resume`. */
  pause(): void;
  /**
   * Drops every connection and refuses new ones (accepted, then closed at once) until `resume`: the service looks
   * down. Sockets are destroyed rather than reset: resetting one with a pending shutdown can make Node's event loop
   * spin (seen with ioredis quitting through the proxy).
   */
  cut(): void;
  /** Back to normal forwarding; stalled connections carry on. */
  resume(): void;
  close(): Promise<void>;
}

type Mode = 'open' | 'paused' | 'cut';

interface Link {
  client: Socket;
  upstream: Socket;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: Mode = 'open';
  const links = new Set<Link>();

  const wire = (link: Link) => {
    link.client.pipe(link.upstream);
    link.upstream.pipe(link.client);
  };
  const unwire = (link: Link) => {
    link.client.unpipe(link.upstream);
    link.upstream.unpipe(link.client);
    link.client.pause();
    link.upstream.pause();
  };
  const drop = (link: Link) => {
    links.delete(link);
    if (!link.client.destroyed) link.client.destroy();
    if (!link.upstream.destroyed) link.upstream.destroy();
  };

  const server = createServer((client) => {
    if (mode === 'cut') {
      client.on('error', () => undefined);
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const link: Link = { client, upstream };
    links.add(link);
    client.on('error', () => drop(link));
    upstream.on('error', () => drop(link));
    client.on('close', () => drop(link));
    upstream.on('close', () => drop(link));
    if (mode === 'open') wire(link);
    else unwire(link);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { address: host, port } = server.address() as AddressInfo;

  return {
    host,
    port,
    get connections() {
      return links.size;
    },
    rewrite(url) {
      const parsed = new URL(url);
      parsed.hostname = host;
      parsed.port = String(port);
      return parsed.toString();
    },
    pause() {
      if (mode !== 'open') return;
      mode = 'paused';
      for (const link of links) unwire(link);
    },
    cut() {
      mode = 'cut';
      for (const link of [...links]) drop(link);
    },
    resume() {
      const wasPaused = mode === 'paused';
      mode = 'open';
      if (wasPaused) {
        for (const link of links) {
          wire(link);
          link.client.resume();
          link.upstream.resume();
        }
      }
    },
    async close() {
      mode = 'cut';
      for (const link of [...links]) drop(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
