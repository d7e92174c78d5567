/**
 * Certificates for a TLS engine on loopback, made with `openssl` as Docker's "protect the daemon socket"
 * guide does: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate. The client
 * files sit in folders laid out as DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCommands } from './loopback.ts';

export interface TestCertificates {
  /** For dockerd's --tlscacert, --tlscert, --tlskey. */
  server: { ca: string; cert: string; key: string };
  /** A DOCKER_CERT_PATH that reaches the engine. */
  clientDir: string;
  /** A DOCKER_CERT_PATH whose ca.pem is another CA's: the engine's certificate must not be trusted. */
  wrongCaDir: string;
  /** A DOCKER_CERT_PATH with the right ca.pem and no client certificate. */
  noClientCertDir: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

// P-256 keys: generated in milliseconds, and both Go's TLS and Node's accept them.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...NEW_KEY,
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

function signed(dir: string, ca: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, 'req', ...NEW_KEY, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-out',
    `${name}-cert.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

/** Writes everything under `dir`. */
export function makeCertificates(dir: string): TestCertificates {
  ensureCommands({ openssl: 'openssl' });
  mkdirSync(dir, { recursive: true });
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  signed(
    dir,
    'ca',
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  signed(dir, 'ca', 'client', '/CN=stowage-test-client', 'extendedKeyUsage=clientAuth\n');
  const certPath = (name: string, ca: string, withClient: boolean) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    copyFileSync(join(dir, `${ca}.pem`), join(folder, 'ca.pem'));
    if (withClient) {
      copyFileSync(join(dir, 'client-cert.pem'), join(folder, 'cert.pem'));
      copyFileSync(join(dir, 'client-key.pem'), join(folder, 'key.pem'));
    }
    return folder;
  };
  return {
    server: { ca: join(dir, 'ca.pem'), cert: join(dir, 'server-cert.pem'), key: join(dir, 'server-key.pem') },
    clientDir: certPath('client', 'ca', true),
    wrongCaDir: certPath('wrong-ca', 'other-ca', true),
    noClientCertDir: certPath('no-client-cert', 'ca', false),
  };
}
