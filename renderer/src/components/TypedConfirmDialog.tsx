// Confirmation for what cannot be undone: says exactly what will be lost, and acts only when the person types
// one of the expected answers (the extension's name or the exact row count).
import * as Dialog from '@radix-ui/react-dialog';
import { useId, useState, type ReactElement, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  /** accepted answers; the first is shown in the prompt */
  expected: readonly string[];
  prompt: string;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}

const norm = (s: string): string => s.trim().toLowerCase();

export function TypedConfirmDialog({ title, children, expected, prompt, confirmLabel, busy, error, onConfirm, onCancel }: Props): ReactElement {
  const [typed, setTyped] = useState('');
  const id = useId();
  const matches = expected.some((e) => norm(e) === norm(typed));
  return (
    <Dialog.Root open onOpenChange={(open) => !open && !busy && onCancel()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" style={{ width: 'min(560px, calc(100vw - 64px))' }} aria-describedby={`${id}-desc`}>
          <div className="dialog-head">
            <Dialog.Title>{title}</Dialog.Title>
          </div>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (matches && !busy) onConfirm();
            }}
          >
            <div className="dialog-body" id={`${id}-desc`}>
              {children}
              <div className="field">
                <label htmlFor={`${id}-input`}>{prompt}</label>
                <input
                  id={`${id}-input`}
                  className="input"
                  autoComplete="off"
                  spellCheck={false}
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  aria-invalid={typed !== '' && !matches}
                />
              </div>
              {error ? (
                <div className="error-box" role="alert">
                  <strong>Refused.</strong> {error}
                </div>
              ) : null}
            </div>
            <div className="dialog-foot">
              <span className="muted">{matches ? 'Confirmed.' : 'The button unlocks when the text matches.'}</span>
              <span className="spacer" />
              <Dialog.Close asChild>
                <button type="button" className="btn" disabled={busy}>
                  Cancel
                </button>
              </Dialog.Close>
              <button type="submit" className="btn danger solid" disabled={!matches || busy}>
                {confirmLabel}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
