import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
  /** The PEM certificate on disk, for `NODE_EXTRA_CA_CERTS` or a client's `ca`. */
  path: string;
  remove(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost; the key stays in memory. */
export async function createCertificate(): Promise<Certificate> {
  // EC keys take milliseconds where RSA takes a noticeable fraction of a second.
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'qase-emulator-'));
  const path = join(dir, 'cert.pem');
  await writeFile(path, pems.cert);
  return { key: pems.private, cert: pems.cert, path, remove: () => rm(dir, { recursive: true, force: true }) };
}
