import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** The system's bundle (the machine's NODE_EXTRA_CA_CERTS) followed by this certificate. */
  caBundlePath: string;
  remove(): void;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl in a temporary
 * folder, and a CA bundle for NODE_EXTRA_CA_CERTS of a child process: Node reads that variable
 * only at start, and the machine already points it at the system bundle, so both go in one file.
 */
export function createTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certPath, 'utf8');
  const system = process.env.NODE_EXTRA_CA_CERTS;
  let bundle = '';
  try {
    bundle = system ? readFileSync(system, 'utf8') : '';
  } catch {
    bundle = ''; // the variable names no readable file: nothing to keep
  }
  const caBundlePath = join(dir, 'ca-bundle.pem');
  writeFileSync(caBundlePath, `${bundle.trimEnd()}\n${cert}`);
  return { key: readFileSync(keyPath, 'utf8'), cert, caBundlePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
