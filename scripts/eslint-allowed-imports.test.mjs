// The import allow-lists of eslint.config.js, run through ESLint itself: one import a folder may not make, per
// folder, is reported with the folder's rule; the imports its code does make pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { folders } from '../eslint.config.js';
import { allowedImportsRule } from './eslint-allowed-imports.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: { parser: tseslint.parser },
      plugins: { local: { rules: { 'allowed-imports': allowedImportsRule } } },
      rules: { 'local/allowed-imports': ['error', { root, folders }] },
    },
  ],
});

async function problems(file, code) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.message);
}

const refused = [
  ['shared/domain/x.ts', "import fs from 'node:fs';", /shared\/ may not use Node's built-in node:fs/],
  ['shared/api/x.ts', "import { Deployment } from '../../platform/engine/deployment.js';", /shared\/ may not import platform\/engine\/deployment/],
  ['shared/domain/x.ts', "import React from 'react';", /shared\/ may not import the package react/],
  [
    'renderer/src/features/x/y.tsx',
    "import { Deployment } from '../../../../platform/engine/deployment.js';",
    /renderer\/src\/ may not import platform\/engine/,
  ],
  ['renderer/src/lib/x.ts', "import Database from 'better-sqlite3';", /renderer\/src\/ may not import the package better-sqlite3/],
  ['renderer/src/lib/x.ts', "import { readFileSync } from 'fs';", /renderer\/src\/ may not use Node's built-in fs/],
  ['electron/preload/x.ts', "import path from 'node:path';", /electron\/preload\/ may not use Node's built-in/],
  ['electron/preload/x.ts', "import { ConsoleServices } from '../backend/console-services.js';", /electron\/preload\/ may not import electron\/backend/],
  ['electron/backend/x.ts', "import { app } from 'electron';", /electron\/backend\/ may not import the package electron/],
  ['electron/web/x.ts', "import { app } from '../../renderer/src/app/App.js';", /electron\/web\/ may not import renderer/],
  ['electron/main/x.ts', "import Database from 'better-sqlite3';", /electron\/main\/ may not import the package better-sqlite3/],
  ['platform/package/x.ts', "import Database from 'better-sqlite3';", /platform\/package\/ may not import the package better-sqlite3/],
  ['platform/package/x.ts', "import { Deployment } from '../engine/deployment.js';", /platform\/package\/ may not import platform\/engine/],
  ['platform/engine/x.ts', "import { startServer } from '../server/server.js';", /platform\/engine\/ may not import platform\/server/],
  ['platform/remote/x.ts', "import { app } from 'electron';", /platform\/remote\/ may not import the package electron/],
  ['platform/remote/x.ts', "import { startServer } from '../server/server.js';", /platform\/remote\/ may not import platform\/server/],
  ['platform/demo/x.ts', "import Fastify from 'fastify';", /platform\/demo\/ may not import the package fastify/],
  ['platform/server/x.ts', "import { RemoteClient } from '../remote/client.js';", /platform\/server\/ may not import platform\/remote/],
  ['platform/cli/x.ts', "import { ConsoleServices } from '../../electron/backend/console-services.js';", /platform\/cli\/ may not import electron\/backend/],
  ['platform/engine/x.ts', "export * from '../../electron/backend/db.js';", /platform\/engine\/ may not import electron\/backend/],
  ['platform/engine/x.ts', "const m = await import('../../renderer/src/lib/api.js');", /platform\/engine\/ may not import renderer/],
];

describe('import allow-lists per folder', () => {
  for (const [file, code, message] of refused) {
    it(`${file}: ${code}`, async () => {
      const found = await problems(file, code);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(message);
    });
  }

  it('what each folder does import passes', async () => {
    expect(await problems('shared/domain/x.ts', "import { z } from 'zod';\nimport { x } from '../api/errors.js';")).toEqual([]);
    expect(await problems('renderer/src/lib/x.ts', "import { create } from 'zustand';\nimport type { A } from '../../../shared/api/console.js';")).toEqual([]);
    expect(
      await problems('electron/preload/x.ts', "import { contextBridge } from 'electron';\nimport { a } from '../../shared/api/console-names.js';"),
    ).toEqual([]);
    expect(
      await problems(
        'platform/engine/x.ts',
        "import Database from 'better-sqlite3';\nimport fs from 'node:fs';\nimport { readPackage } from '../package/index.js';",
      ),
    ).toEqual([]);
    expect(await problems('platform/server/x.test.ts', "import { RemoteClient } from '../remote/client.js';\nimport { it } from 'vitest';")).toEqual([]);
  });

  it('a test may not reach further than its folder allows tests to', async () => {
    expect(await problems('platform/engine/x.test.ts', "import { RemoteClient } from '../remote/client.js';")).toEqual([
      expect.stringMatching(/platform\/engine\/ may not import platform\/remote/),
    ]);
  });
});
