// The command palette (Ctrl/Cmd+K): go to any view, open any tenant, filter the matrix to an extension,
// refresh, switch theme.
import { Command } from 'cmdk';
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../components/icons.js';
import { EMPTY_FILTERS, useStore } from './store.js';

export function CommandPalette(): ReactElement {
  const { open, fleet, connections, paletteToggled, navigated, themeToggled, fleetRequested, filtersChanged, theme } = useStore(
    useShallow((s) => ({
      open: s.paletteOpen,
      fleet: s.fleet,
      connections: s.connections,
      paletteToggled: s.paletteToggled,
      navigated: s.navigated,
      themeToggled: s.themeToggled,
      fleetRequested: s.fleetRequested,
      filtersChanged: s.filtersChanged,
      theme: s.theme,
    })),
  );
  const run = (fn: () => void) => () => {
    fn();
    paletteToggled(false);
  };
  const tenants = fleet?.deployments.flatMap((d) => d.tenants.map((t) => ({ ...t, deployment: d.name }))) ?? [];
  return (
    <Command.Dialog open={open} onOpenChange={(o) => paletteToggled(o)} label="Command palette" contentClassName="cmdk-dialog" overlayClassName="cmdk-overlay">
      <Command.Input placeholder="Type a command, a tenant or an extension…" aria-label="Command" />
      <Command.List>
        <Command.Empty>No match.</Command.Empty>
        <Command.Group heading="Go to">
          <Command.Item onSelect={run(() => navigated({ name: 'matrix' }))}>
            <Icon name="grid" /> Matrix
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'overview' }))}>
            <Icon name="server" /> Deployment overview
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'connections' }))}>
            <Icon name="plug" /> Connections
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'jobs' }))}>
            <Icon name="jobs" /> Jobs
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'archive' }))}>
            <Icon name="archive" /> Data archive
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'moves' }))}>
            <Icon name="move" /> Move tenants
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'upgrade' }))}>
            <Icon name="upgrade" /> Upgrade an extension
          </Command.Item>
          <Command.Item onSelect={run(() => navigated({ name: 'audit' }))}>
            <Icon name="shield" /> Audit log, operation logs, snapshots
          </Command.Item>
        </Command.Group>
        <Command.Group heading="Actions">
          <Command.Item onSelect={run(() => void fleetRequested())}>
            <Icon name="refresh" /> Refresh all deployments
          </Command.Item>
          <Command.Item onSelect={run(themeToggled)}>
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} /> Switch to {theme === 'dark' ? 'light' : 'dark'} theme
          </Command.Item>
          {connections.map((c) => (
            <Command.Item key={c.id} value={`overview ${c.name}`} onSelect={run(() => navigated({ name: 'overview', connectionId: c.id }))}>
              <Icon name="server" /> Overview of {c.name}
            </Command.Item>
          ))}
        </Command.Group>
        <Command.Group heading="Tenants">
          {tenants.map((t) => (
            <Command.Item
              key={t.key}
              value={`tenant ${t.tenantId} ${t.deployment}`}
              onSelect={run(() => navigated({ name: 'tenant', connectionId: t.connectionId, tenantId: t.tenantId }))}
            >
              <Icon name="open" /> {t.tenantId}
              <span className="hint">{t.deployment}</span>
            </Command.Item>
          ))}
        </Command.Group>
        <Command.Group heading="Show in matrix">
          {(fleet?.extensions ?? []).map((x) => (
            <Command.Item
              key={x.id}
              value={`extension ${x.name} ${x.publisher}`}
              onSelect={run(() => {
                filtersChanged({ ...EMPTY_FILTERS, extension: x.id });
                navigated({ name: 'matrix' });
              })}
            >
              <Icon name="grid" /> {x.name}
              <span className="hint">{x.publisher}</span>
            </Command.Item>
          ))}
        </Command.Group>
      </Command.List>
    </Command.Dialog>
  );
}
