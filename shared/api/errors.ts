// Stable error codes of the platform, for scripts and the console, and the error type that carries them.
// Every refusal names what is wrong (file, object, field, tenant) in its message; `details` holds the
// same facts as data.

export const ERROR_CODES = {
  // usage and input
  BAD_INPUT: 'the input does not match the operation schema',
  NOT_FOUND: 'the named thing does not exist',
  // packages
  PACKAGE_INVALID: 'the package file is not a well-formed, safe .app zip',
  PACKAGE_TOO_LARGE: 'the package exceeds a size, entry count or expansion limit',
  MANIFEST_INVALID: 'app.json fails validation',
  OBJECT_INVALID: 'an object declaration fails validation',
  SIGNATURE_INVALID: 'the package signature does not verify',
  SIGNATURE_MISSING: 'the package is unsigned and verification was not skipped',
  // catalog
  COMPILE_FAILED: 'the package does not compile against the application and its dependencies',
  ID_OUT_OF_RANGE: 'an object id lies outside the idRanges of the manifest',
  ID_COLLISION: 'an object id or name is already used by another object of that type',
  DEPENDENCY_MISSING: 'a dependency is not published (or not installed) at the minimum version',
  DEPENDENCY_CYCLE: 'the dependencies form a cycle',
  ALREADY_PUBLISHED: 'the same id and version is published with different bytes',
  NOT_PUBLISHED: 'the version is not published',
  APP_IN_USE: 'the version is installed in a tenant or another published version depends on it',
  // tenants
  TENANT_NOT_FOUND: 'no such tenant in this deployment',
  TENANT_EXISTS: 'a tenant with this id already exists',
  TENANT_STATE: 'the tenant state does not allow this operation',
  ALREADY_INSTALLED: 'another version of the extension is installed',
  NOT_INSTALLED: 'the extension is not installed in the tenant',
  CONFLICT: 'two extensions modify the same object, field, control or enum value',
  HAS_DEPENDENTS: 'installed extensions depend on this one',
  DOWNGRADE: 'the target version is older than the installed or archived one',
  SYNC_DESTRUCTIVE: 'the schema change would lose data',
  ACK_REQUIRED: 'a destructive change needs an explicit acknowledgement',
  APPLICATION_MISMATCH: 'the application versions differ',
  MOUNT_MISSING_APPS: 'extensions installed in the tenant are not published here',
  MOVE_PRECHECK_FAILED: 'the move pre-check found problems',
  MOVE_FAILED: 'the move failed; the tenant was mounted back on the source',
  ARCHIVE_NOT_FOUND: 'no such archived data',
  RECORD_INVALID: 'a record does not fit the table',
  RECORD_NOT_FOUND: 'no record with that key',
  RECORD_EXISTS: 'a record with that key exists',
  DEPLOYMENT_INVALID: 'the folder is not a deployment, or is of a newer version',
  // remote
  UNAUTHORIZED: 'a valid token is required',
  FORBIDDEN: 'the token does not allow this',
  STALE_VERSION: 'the tenant changed since the version given',
  OVERLOADED: 'too many requests; retry later',
  UNAVAILABLE: 'the deployment cannot be reached',
  CANCELLED: 'the job was cancelled',
  INTERNAL: 'an unexpected error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** The id of the log line that records this refusal (a server request id, a console operation id). */
  ref?: string;
}

export class TenantryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** Set where the refusal is logged: the id of its log line (ErrorInfo.ref). */
  ref: string | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'TenantryError';
    this.code = code;
    this.details = details;
    this.ref = undefined;
  }
  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.details !== undefined) info.details = this.details;
    if (this.ref !== undefined) info.ref = this.ref;
    return info;
  }
}

export function isTenantryError(e: unknown): e is TenantryError {
  return e instanceof TenantryError;
}

/** Turns anything thrown into ErrorInfo without leaking stack traces. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (isTenantryError(e)) return e.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
