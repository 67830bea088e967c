// Where the demo extension source folders live (platform/demo/extensions/<name>-<version>/), and their list.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Beside this file in the sources; from the CLI built into dist/cli/ (two levels down, as platform/demo/ is), the
// repository's platform/demo/extensions/.
const besideThisFile = fileURLToPath(new URL('./extensions/', import.meta.url));
export const DEMO_EXTENSIONS_DIR = fs.existsSync(besideThisFile) ? besideThisFile : fileURLToPath(new URL('../../platform/demo/extensions/', import.meta.url));

/** The demo extension source folders, sorted by name. */
export function demoExtensionFolders(): string[] {
  return fs
    .readdirSync(DEMO_EXTENSIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(DEMO_EXTENSIONS_DIR, d.name, 'app.json')))
    .map((d) => d.name)
    .sort();
}
