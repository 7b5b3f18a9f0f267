import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './process.ts';

export interface SelfSignedCert {
  /** PEM certificate; also the CA a client must trust (it is self-signed). */
  cert: string;
  /** PEM private key (unencrypted). */
  key: string;
  certPath: string;
  keyPath: string;
}

/**
 * A fresh self-signed certificate made with `openssl req -x509` (RSA 2048, valid 2 days,
 * CN=localhost, subjectAltName IP:127.0.0.1 and DNS:localhost, basicConstraints CA:TRUE so it can
 * be given to clients as their CA). Files `<name>.crt` and `<name>.key` are written into `dir`.
 */
export async function generateSelfSignedCert(dir: string, name = 'server'): Promise<SelfSignedCert> {
  const certPath = path.join(dir, `${name}.crt`);
  const keyPath = path.join(dir, `${name}.key`);
  await runCommand('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-keyout', keyPath, '-out', certPath,
    '-subj', '/CN=localhost/O=Ledgerdrop test suite',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { cert, key, certPath, keyPath };
}
