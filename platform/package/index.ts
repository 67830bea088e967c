// Reading, validating, writing and signing .app extension packages, and the source folders they are packed
// from. See docs/package-format.md for the format and every check.
export { readPackage, type ReadOptions } from './read-package.js';
export { writePackage, packageFileName, type WriteOptions } from './write-package.js';
export { readSourceFolder, newSourceFolder, packSourceFolder, type NewSourceFolderOptions } from './source-folder.js';
export { generateSigningKey, signingKeyFromPem, normalizePublicKey, keyIdOf, SIGNATURE_FILE, SIGNATURE_FORMAT, type SigningKey } from './signature.js';
export { DEFAULT_LIMITS, RATIO_GRACE_BYTES, MAX_JSON_DEPTH, type PackageLimits } from './limits.js';
