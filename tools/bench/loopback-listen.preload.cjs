'use strict';
// Loaded with `node --require` into a peer gateway the bench runs (docs/benchmarks.md): such a server may bind every
// interface and offer no host option, so every TCP listen is pinned to 127.0.0.1 here, and the address each server
// got is printed (`bench preload: listening on http://127.0.0.1:PORT`), which also tells the port when it was 0.
// Unix-socket paths and handles are left alone. Plain CommonJS: it runs before the peer's own code, untranspiled.
const net = require('node:net');

const HOST = '127.0.0.1';

/** The arguments of `server.listen(...)` with the host replaced by (or set to) 127.0.0.1. */
function loopbackListenArguments(args) {
  const [first, ...rest] = args;
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined || first.fd !== undefined || first.handle !== undefined || first._handle !== undefined) return args;
    return [{ ...first, host: HOST }, ...rest];
  }
  if (typeof first === 'function' || first === undefined) return [0, HOST, ...args.filter((arg) => arg !== undefined)];
  if (typeof first === 'string' && !/^\d+$/.test(first)) return args; // a pipe or socket path
  const hostGiven = rest.length > 0 && (typeof rest[0] === 'string' || rest[0] === undefined || rest[0] === null);
  return [first, HOST, ...(hostGiven ? rest.slice(1) : rest)];
}

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') console.log(`bench preload: listening on http://${address.address}:${address.port}`);
  });
  return originalListen.apply(this, loopbackListenArguments(args));
};

module.exports = { loopbackListenArguments };
