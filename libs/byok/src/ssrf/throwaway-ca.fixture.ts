import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayCertificates {
  caPem: string;
  serverKeyPem: string;
  serverCertPem: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** For tests: a one-day CA and a server certificate it signed for `hostname`, made with the openssl CLI. */
export function createThrowawayCertificates(hostname: string): ThrowawayCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const caSubject = ['-subj', '/CN=Tollgate throwaway test CA'];
    const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'];
    openssl('req', '-x509', ...EC_KEY, ...caSubject, ...caExtensions, '-days', '1', '-keyout', file('ca.key'), '-out', file('ca.pem'));

    openssl('req', ...EC_KEY, '-subj', `/CN=${hostname}`, '-keyout', file('server.key'), '-out', file('server.csr'));
    writeFileSync(file('server.ext'), `subjectAltName=DNS:${hostname}\nextendedKeyUsage=serverAuth\n`);
    const signer = ['-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial'];
    openssl('x509', '-req', '-in', file('server.csr'), ...signer, '-days', '1', '-extfile', file('server.ext'), '-out', file('server.pem'));
    return {
      caPem: readFileSync(file('ca.pem'), 'utf8'),
      serverKeyPem: readFileSync(file('server.key'), 'utf8'),
      serverCertPem: readFileSync(file('server.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
