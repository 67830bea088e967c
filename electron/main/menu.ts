// The application menu, as a template built from plain callbacks (so it is testable without Electron).
import type { MenuItemConstructorOptions } from 'electron';

export type MenuCommand =
  'command-palette' | 'toggle-theme' | 'go-matrix' | 'go-connections' | 'go-archive' | 'go-moves' | 'go-upgrades' | 'go-jobs' | 'go-audit' | 'refresh';

export interface MenuActions {
  send(command: MenuCommand): void;
  openDocs(): void;
  isMac: boolean;
}

export function menuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const cmd = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => a.send(command),
  });
  return [
    ...(a.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [cmd('Connections', 'go-connections', 'CmdOrCtrl+Shift+C'), { type: 'separator' }, a.isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        cmd('Command Palette…', 'command-palette', 'CmdOrCtrl+K'),
        cmd('Matrix', 'go-matrix', 'CmdOrCtrl+1'),
        cmd('Data Archive', 'go-archive', 'CmdOrCtrl+2'),
        cmd('Tenant Moves', 'go-moves', 'CmdOrCtrl+3'),
        cmd('Upgrades', 'go-upgrades', 'CmdOrCtrl+4'),
        cmd('Jobs', 'go-jobs', 'CmdOrCtrl+J'),
        cmd('Audit Log', 'go-audit', 'CmdOrCtrl+Shift+A'),
        { type: 'separator' },
        cmd('Refresh', 'refresh', 'CmdOrCtrl+R'),
        cmd('Toggle Dark / Light Theme', 'toggle-theme', 'CmdOrCtrl+Shift+L'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Extension Packages Documentation', click: () => a.openDocs() }] },
  ];
}
