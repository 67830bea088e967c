// The Electron security rules of quality.md as plain functions, so unit tests assert them without launching
// Electron: the window's web preferences, the app:// protocol's path check, the navigation / new-window /
// external-link / permission decisions, and the sender check that every IPC handler runs first.
// (Type-only import of electron: this module runs in tests under plain Node.)
import type { BrowserWindowConstructorOptions } from 'electron';
import { resolveInside } from '../web/static-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** https hosts the console may open in the user's browser (documentation links); nothing else leaves the app. */
export const EXTERNAL_URL_ALLOW_LIST: readonly string[] = ['learn.microsoft.com', 'github.com', 'www.electronjs.org'];

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Tenantry Console',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: true,
    },
  };
}

/** True only for URLs of the console itself (app://console/...). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under `root` an app:// request names, or undefined (wrong origin, traversal, missing file). */
export function resolveAppRequest(requestUrl: string, root: string): string | undefined {
  if (!isAppUrl(requestUrl)) return undefined;
  const u = new URL(requestUrl);
  return resolveInside(root, u.pathname);
}

/** Navigation away from the loaded page is never allowed (the renderer routes in-page). */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** Links may open in the user's browser only when https and on the allow-list. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && EXTERNAL_URL_ALLOW_LIST.includes(u.hostname);
  } catch {
    return false;
  }
}

/** Camera, microphone, notifications, geolocation, clipboard reads...: the console needs none. */
export function allowPermission(_permission: string): boolean {
  return false;
}

export interface IpcSender {
  /** webContents.id of the sender */
  senderId: number;
  /** URL of the frame that sent the message (event.senderFrame.url) */
  frameUrl: string | undefined;
}

/** An IPC call is accepted only from the console's own window, from its own app:// page. */
export function isTrustedSender(sender: IpcSender, windowIds: ReadonlySet<number>): boolean {
  return windowIds.has(sender.senderId) && sender.frameUrl !== undefined && isAppUrl(sender.frameUrl);
}
