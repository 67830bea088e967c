// One mechanism for every button that starts a job or a write: while the action runs, further calls are ignored
// (a ref, not state, so a second click that arrives before React re-renders is ignored too), and `busy` says so,
// so the button can be disabled and show that it works.
import { useCallback, useRef, useState } from 'react';

export function useOnce<A extends unknown[]>(action: (...args: A) => Promise<void>): [run: (...args: A) => Promise<void>, busy: boolean] {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await latest.current(...args);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return [run, busy];
}
