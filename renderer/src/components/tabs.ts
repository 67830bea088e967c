// Keyboard for a tab list (WAI-ARIA tabs, automatic activation): only the selected tab is in the Tab order;
// Left/Right move between the tabs (wrapping), Home/End go to the first/last, and the tab reached is selected.
import type { KeyboardEvent } from 'react';

export function onTabListKeyDown(e: KeyboardEvent<HTMLElement>): void {
  const tabs = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]:not([disabled])')];
  const at = tabs.indexOf(document.activeElement as HTMLElement);
  if (at < 0 || tabs.length === 0) return;
  const n = tabs.length;
  const next = e.key === 'ArrowRight' ? (at + 1) % n : e.key === 'ArrowLeft' ? (at - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : null;
  if (next === null) return;
  e.preventDefault();
  tabs[next]!.focus();
  tabs[next]!.click();
}

/** The tabIndex of a tab: the selected one is reached with Tab, the others with the arrows. */
export const tabIndexOf = (selected: boolean): number => (selected ? 0 : -1);
