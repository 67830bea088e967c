// The steps of a wizard, in order, with the current one marked for screen readers (aria-current="step").
import type { ReactElement } from 'react';
import { Icon } from './icons.js';

export function Stepper({ steps, current, label }: { steps: readonly string[]; current: number; label: string }): ReactElement {
  return (
    <ol className="stepper" aria-label={label}>
      {steps.map((s, i) => (
        <li key={s} className={i < current ? 'done' : i === current ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
          <span className="num" aria-hidden="true">
            {i < current ? <Icon name="check" size={12} /> : i + 1}
          </span>
          <span className="label">
            {s}
            {i < current ? <span className="visually-hidden"> (done)</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}
