// Connection tokens sealed with Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet).
// On Linux's 'basic_text' backend safeStorage only obfuscates with a hard-coded key: that is not encryption,
// so tokens are refused there rather than stored as if they were safe.
import { TenantryError } from '../../shared/api/errors.js';
import type { SecretBox } from '../backend/secret-box.js';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function safeStorageSecretBox(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretBox {
  const backend = platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : 'os';
  const refusal = (): string | undefined => {
    if (!safeStorage.isEncryptionAvailable()) return 'the operating system offers no encrypted storage for secrets';
    if (backend === 'basic_text')
      return "the Linux secret store is 'basic_text', which is not encryption; install and unlock a keyring (GNOME Keyring or KWallet)";
    return undefined;
  };
  return {
    kind: refusal() ? `refused: ${refusal()}` : platform === 'linux' ? `safeStorage (${backend})` : 'safeStorage (OS keychain)',
    seal(plain) {
      const why = refusal();
      if (why) throw new TenantryError('FORBIDDEN', `tokens cannot be stored: ${why}`, { backend });
      return safeStorage.encryptString(plain);
    },
    open(sealed) {
      const why = refusal();
      if (why) throw new TenantryError('FORBIDDEN', `stored tokens cannot be read: ${why}`, { backend });
      return safeStorage.decryptString(sealed);
    },
  };
}
