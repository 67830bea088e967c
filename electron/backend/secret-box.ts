// Sealing of connection tokens at rest. Electron main seals with safeStorage (the OS keychain); the browser
// host, which has no keychain, seals with AES-256-GCM under a key file readable only by the user.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TenantryError } from '../../shared/api/errors.js';

export interface SecretBox {
  /** Says how secrets are kept, for the console's about box and the docs. */
  readonly kind: string;
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

const KEY_FILE = 'console.key';
const VERSION = 1;

/** AES-256-GCM under a random 32-byte key kept in `<dir>/console.key` (mode 0600). */
export function fileKeySecretBox(dir: string): SecretBox {
  const file = path.join(dir, KEY_FILE);
  let key: Buffer;
  if (fs.existsSync(file)) {
    key = fs.readFileSync(file);
    if (key.length !== 32) throw new TenantryError('INTERNAL', `the console key file ${file} is damaged (expected 32 bytes)`, { file });
  } else {
    key = randomBytes(32);
    // wx: never overwrite a key another process just wrote.
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  }
  return {
    kind: `AES-256-GCM with a key file readable only by you (${file})`,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      if (sealed.length < 29 || sealed[0] !== VERSION)
        throw new TenantryError('INTERNAL', 'a stored token is damaged; edit the connection and enter the token again');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
      } catch {
        throw new TenantryError('INTERNAL', "a stored token cannot be decrypted with this machine's key; edit the connection and enter the token again");
      }
    },
  };
}
