// The Electron security checklist of quality.md, asserted on the functions main uses.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../backend/test-support/temp-dir.js';
import { contentSecurityPolicy } from '../web/csp.js';
import { menuTemplate } from './menu.js';
import { safeStorageSecretBox, type SafeStorageLike } from './safe-storage-box.js';
import { allowNavigation, allowPermission, isAllowedExternalUrl, isAppUrl, isTrustedSender, resolveAppRequest, windowOptions } from './security.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('window options', () => {
  const o = windowOptions('/app/preload.cjs');
  it('isolate, sandbox and keep web security on; no node in the renderer', () => {
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      webSecurity: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      preload: '/app/preload.cjs',
    });
  });
  it('opens at 1440x900', () => {
    expect([o.width, o.height]).toEqual([1440, 900]);
  });
});

describe('app:// protocol', () => {
  const root = path.join(tmp.dir, 'dist');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<html></html>');
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), '');
  fs.mkdirSync(path.join(tmp.dir, 'dist-secrets'));
  fs.writeFileSync(path.join(tmp.dir, 'dist-secrets', 'key.txt'), 'secret');
  fs.writeFileSync(path.join(tmp.dir, 'outside.txt'), 'secret');
  fs.symlinkSync(path.join(tmp.dir, 'outside.txt'), path.join(root, 'link.txt'));

  it('serves files inside the renderer folder', () => {
    expect(resolveAppRequest('app://console/index.html', root)).toBe(fs.realpathSync(path.join(root, 'index.html')));
    expect(resolveAppRequest('app://console/', root)).toBe(fs.realpathSync(path.join(root, 'index.html')));
    expect(resolveAppRequest('app://console/assets/a.js', root)).toBe(fs.realpathSync(path.join(root, 'assets', 'a.js')));
  });
  it('refuses traversal, encoded traversal, a sibling folder sharing the prefix, symlinks out, backslashes, other hosts', () => {
    expect(resolveAppRequest('app://console/../outside.txt', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/%2e%2e/outside.txt', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/%2e%2e%2fdist-secrets/key.txt', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/..%5cdist-secrets%5ckey.txt', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/link.txt', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/missing.js', root)).toBeUndefined();
    expect(resolveAppRequest('app://evil/index.html', root)).toBeUndefined();
    expect(resolveAppRequest('file:///etc/passwd', root)).toBeUndefined();
    expect(resolveAppRequest('app://console/%00index.html', root)).toBeUndefined();
  });
});

describe('navigation, new windows, external links, permissions', () => {
  it('denies every navigation', () => {
    expect(allowNavigation('https://evil.example.com')).toBe(false);
    expect(allowNavigation('app://console/other.html')).toBe(false);
    expect(allowNavigation('file:///etc/passwd')).toBe(false);
  });
  it('opens only allow-listed https URLs externally', () => {
    expect(isAllowedExternalUrl('https://learn.microsoft.com/en-us/dynamics-nav/')).toBe(true);
    expect(isAllowedExternalUrl('http://learn.microsoft.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://learn.microsoft.com.evil.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) expect(allowPermission(p)).toBe(false);
  });
});

describe('IPC sender check', () => {
  const ids = new Set([7]);
  it('accepts only the console window on its app:// page', () => {
    expect(isTrustedSender({ senderId: 7, frameUrl: 'app://console/index.html' }, ids)).toBe(true);
    expect(isTrustedSender({ senderId: 8, frameUrl: 'app://console/index.html' }, ids)).toBe(false);
    expect(isTrustedSender({ senderId: 7, frameUrl: 'https://evil.example.com/' }, ids)).toBe(false);
    expect(isTrustedSender({ senderId: 7, frameUrl: 'file:///tmp/x.html' }, ids)).toBe(false);
    expect(isTrustedSender({ senderId: 7, frameUrl: undefined }, ids)).toBe(false);
    expect(isAppUrl('app://console.evil/x')).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows only the console itself; no eval, no framing, no objects', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
  });
});

describe('safeStorage', () => {
  const store = (backend: string, available = true): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from([...Buffer.from(s)].reverse()),
    decryptString: (b) => Buffer.from([...b].reverse()).toString(),
    getSelectedStorageBackend: () => backend,
  });
  it('seals through the OS store', () => {
    const box = safeStorageSecretBox(store('gnome_libsecret'), 'linux');
    expect(box.open(box.seal('tok'))).toBe('tok');
    expect(box.kind).toContain('gnome_libsecret');
  });
  it("refuses Linux's basic_text backend, which is not encryption", () => {
    const box = safeStorageSecretBox(store('basic_text'), 'linux');
    expect(() => box.seal('tok')).toThrow(/basic_text/);
    expect(box.kind).toMatch(/^refused/);
  });
  it('refuses when no encryption is available', () => {
    expect(() => safeStorageSecretBox(store('os', false), 'darwin').seal('t')).toThrow(/no encrypted storage/);
  });
});

describe('application menu', () => {
  it('offers the command palette, theme toggle and views; sends commands to the window', () => {
    const sent: string[] = [];
    const t = menuTemplate({ isMac: false, send: (c) => sent.push(c), openDocs: () => undefined });
    const view = t.find((m) => m.label === 'View');
    const items = (view?.submenu as { label?: string; click?: () => void }[]).filter((i) => i.label);
    items.find((i) => i.label === 'Command Palette…')!.click!();
    items.find((i) => i.label === 'Toggle Dark / Light Theme')!.click!();
    for (const label of ['Data Archive', 'Tenant Moves', 'Upgrades']) items.find((i) => i.label === label)!.click!();
    expect(sent).toEqual(['command-palette', 'toggle-theme', 'go-archive', 'go-moves', 'go-upgrades']);
  });
});
