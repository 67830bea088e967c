// What every console spec does to a view: switch the theme, check it with axe at WCAG 2.1 A/AA and photograph it at
// the spec's viewport in both themes (e2e/output/<shot>-dark.png and -light.png), and reach the main navigation.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';
import { shotPath } from './console-host.js';

export type Theme = 'dark' | 'light';

/**
 * Switches the theme: with the sidebar button where it can be reached (`by: 'button'`, which tests the button too),
 * else, and over dialogs, with the shortcut Ctrl+Shift+L.
 */
export async function setTheme(page: Page, theme: Theme, by: 'button' | 'shortcut' = 'shortcut'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset['theme']);
  if (current !== theme) {
    if (by === 'button' && (await page.getByRole('dialog').count()) === 0) await page.getByRole('button', { name: /Switch to .* theme/ }).click();
    else await page.keyboard.press('Control+Shift+L');
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** axe at WCAG 2.1 A and AA, then a screenshot, in each theme; ends in the dark theme. */
export async function checkView(page: Page, shot: string, opts: { by?: 'button' | 'shortcut'; waitForToast?: boolean } = {}): Promise<void> {
  // a toast from the step before would cover part of the picture: let it go first
  if (opts.waitForToast) await page.locator('.toast').waitFor({ state: 'detached', timeout: 6000 });
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme, opts.by);
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(
      axe.violations.map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      ),
      `${shot} in ${theme}`,
    ).toEqual([]);
    await page.screenshot({ path: shotPath(`${shot}-${theme}`) });
  }
  await setTheme(page, 'dark', opts.by);
}

/** A button of the main navigation by its label. */
export function navButton(page: Page, label: string): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: false }).first();
}
