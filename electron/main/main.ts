// The Electron composition root: one hardened window, the app:// protocol serving the built renderer, the
// console services behind one IPC channel per operation, job events pushed to the window, the application
// menu, a single-instance lock, and tokens sealed with safeStorage. Rules live in security.ts (tested).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { JOB_EVENT_CHANNEL } from '../../shared/api/console-names.js';
import { openConsoleLog } from '../backend/console-log.js';
import { ConsoleServices } from '../backend/console-services.js';
import { contentSecurityPolicy } from '../web/csp.js';
import { contentType } from '../web/static-files.js';
import { ipcHandlers } from './ipc-handlers.js';
import { menuTemplate } from './menu.js';
import { safeStorageSecretBox } from './safe-storage-box.js';
import { APP_SCHEME, APP_START_URL, allowNavigation, allowPermission, isAllowedExternalUrl, resolveAppRequest, windowOptions } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.resolve(here, '../preload/preload.cjs');
const DOCS_URL = 'https://learn.microsoft.com/en-us/dynamics-nav/extending-using-extension-packages';

/** `npm start` names the demo deployments in TENANTRY_ADD_LOCAL; each is added once, by name. */
async function addStartupConnections(services: ConsoleServices): Promise<void> {
  const raw = process.env['TENANTRY_ADD_LOCAL'];
  if (!raw) return;
  const wanted = JSON.parse(raw) as { name: string; folder: string }[];
  const existing = new Set((await services.call('connections.list', {})).map((c) => c.name.toLowerCase()));
  for (const c of wanted) if (!existing.has(c.name.toLowerCase())) await services.handle('connections.add', { kind: 'local', name: c.name, folder: c.folder });
}

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  const windowIds = new Set<number>();

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!allowNavigation(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!allowNavigation(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  void app.whenReady().then(async () => {
    // The app root holds package.json and renderer/dist, in development and inside the asar alike.
    const rendererDir = process.env['TENANTRY_RENDERER_DIR'] ?? path.join(app.getAppPath(), 'renderer', 'dist');
    const dataDir = process.env['TENANTRY_CONSOLE_DATA'] ?? app.getPath('userData');
    const services = new ConsoleServices({
      dataDir,
      log: await openConsoleLog(dataDir),
      host: 'electron',
      secrets: safeStorageSecretBox(safeStorage),
      version: app.getVersion(),
    });

    void addStartupConnections(services);

    protocol.handle(APP_SCHEME, (req) => {
      const file = resolveAppRequest(req.url, rendererDir);
      if (!file) return new Response('Not found', { status: 404 });
      const headers: Record<string, string> = { 'content-type': contentType(file), 'x-content-type-options': 'nosniff' };
      if (file.endsWith('.html')) headers['content-security-policy'] = contentSecurityPolicy();
      return new Response(fs.readFileSync(file), { headers });
    });

    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowPermission(permission)));
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));

    for (const [channel, handler] of ipcHandlers(services, windowIds)) ipcMain.handle(channel, handler);

    win = new BrowserWindow(windowOptions(preloadPath));
    windowIds.add(win.webContents.id);
    const off = services.onJobEvent((e) => {
      if (win && !win.isDestroyed()) win.webContents.send(JOB_EVENT_CHANNEL, e);
    });
    win.on('closed', () => {
      off();
      win = undefined;
    });
    win.once('ready-to-show', () => win?.show());

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          send: (command) => win?.webContents.send('tenantry:menu', command),
          openDocs: () => void shell.openExternal(DOCS_URL),
        }),
      ),
    );
    void win.loadURL(APP_START_URL);

    app.on('window-all-closed', () => {
      void services.close().finally(() => app.quit());
    });
  });
}
