// Status displays: a tenant state with its dot and label, badges, an owner swatch. Colour never stands alone.
import type { ReactElement, ReactNode } from 'react';
import { TENANT_STATE_LABELS, type TenantState } from '../../../shared/domain/tenant-state.js';
import { ownerHue } from '../lib/format.js';

export function StatePill({ state, title }: { state: string; title?: string }): ReactElement {
  return (
    <span className={`state-pill state-${state}`} title={title}>
      <span className="dot" aria-hidden="true" />
      {TENANT_STATE_LABELS[state as TenantState] ?? state}
    </span>
  );
}

export function Badge({
  tone,
  children,
  title,
}: {
  tone: 'ok' | 'warn' | 'info' | 'archive' | 'danger' | 'neutral';
  children: ReactNode;
  title?: string;
}): ReactElement {
  return (
    <span className={`badge ${tone}`} title={title}>
      {children}
    </span>
  );
}

export function Owner({ appId, name }: { appId: string; name: string }): ReactElement {
  if (!appId) {
    return (
      <span className="owner muted">
        <span className="swatch" style={{ background: 'var(--border-strong)' }} aria-hidden="true" />
        Base application
      </span>
    );
  }
  return (
    <span className="owner">
      <span className="swatch" style={{ background: `hsl(${ownerHue(appId)} 65% 55%)` }} aria-hidden="true" />
      {name}
    </span>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }): ReactElement {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }): ReactElement {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children ? <div>{children}</div> : null}
      {action}
    </div>
  );
}
