// The Content-Security-Policy of the console, the same for the Electron window and the browser host:
// only the console's own scripts and styles, no eval, no framing, no plugins, connections to itself only.
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets style attributes (virtualized positions); no inline <style> or remote sheets are used.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
