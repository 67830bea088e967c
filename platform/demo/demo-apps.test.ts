// The demo's extension ids named by tests are those of the demo's own packages.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CORE, DEMO_LITWARE, DEMO_LOYALTY, DEMO_SHIPPING } from './demo-apps.js';
import { DEMO_EXTENSIONS_DIR } from './demo-sources.js';

const idOf = (folder: string): string => (JSON.parse(fs.readFileSync(path.join(DEMO_EXTENSIONS_DIR, folder, 'app.json'), 'utf8')) as { id: string }).id;

describe('demo extension ids', () => {
  it('match the app.json of the demo packages', () => {
    expect(idOf('contoso-core-1.0.0.0')).toBe(DEMO_CORE);
    expect(idOf('contoso-loyalty-2.0.0.0')).toBe(DEMO_LOYALTY);
    expect(idOf('litware-customer-insights-1.0.0.0')).toBe(DEMO_LITWARE);
    expect(idOf('fabrikam-shipping-1.1.0.0')).toBe(DEMO_SHIPPING);
  });
});
