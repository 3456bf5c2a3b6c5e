import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

// An echo server stands in for Postgres/Redis: what the proxy forwards comes straight back.
describe('startTcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  const clients: Socket[] = [];

  beforeEach(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startTcpProxy('127.0.0.1', (echo.address() as AddressInfo).port);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  const open = async (): Promise<Socket> => {
    const socket = connect(proxy.port, proxy.host);
    clients.push(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  };
  const nextData = (socket: Socket, withinMs: number) =>
    new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), withinMs);
      socket.once('data', (data) => {
        clearTimeout(timer);
        resolve(data.toString());
      });
    });
  const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

  it('forwards both ways', async () => {
    const socket = await open();
    socket.write('hello');
    expect(await nextData(socket, 2_000)).toBe('hello');
    expect(proxy.connections).toBe(1);
  });

  it('pause stalls traffic without closing; resume delivers what was held', async () => {
    const socket = await open();
    proxy.pause();
    socket.write('held');
    expect(await nextData(socket, 150)).toBeUndefined();
    expect(socket.destroyed).toBe(false);
    const delivered = nextData(socket, 2_000);
    proxy.resume();
    expect(await delivered).toBe('held');
  });

  it('cut drops every connection and refuses new ones until resume', async () => {
    const socket = await open();
    proxy.cut();
    await closed(socket);
    expect(proxy.connections).toBe(0);

    const refused = connect(proxy.port, proxy.host);
    clients.push(refused);
    const error = await new Promise<Error | undefined>((resolve) => {
      refused.once('error', resolve);
      refused.once('close', () => resolve(undefined));
    });
    expect(error === undefined || /ECONNRESET|EPIPE/.test(error.message)).toBe(true);
    expect(refused.destroyed).toBe(true);

    proxy.resume();
    const again = await open();
    again.write('back');
    expect(await nextData(again, 2_000)).toBe('back');
  });

  it('rewrites a URL to go through the proxy', () => {
    expect(proxy.rewrite('postgres://postgres@db.internal:5432/app?sslmode=disable')).toBe(
      `postgres://postgres@127.0.0.1:${proxy.port}/app?sslmode=disable`,
    );
  });
});
