import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

/** Lints source text as if it were the file at `filePath`, with the project's real configuration. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('runtime borders enforced by lint', () => {
  it('fails an engine file that imports electron', async () => {
    const messages = await lint('src/main/engine/uses-electron.ts', "import { app } from 'electron';\nexport const name = app.name;\n");
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only src\/main\/electron and src\/preload may import electron/)]);
  });

  it('fails the CLI, shared code and tests that import electron', async () => {
    for (const file of ['src/main/cli/x.ts', 'src/main/engine-host.ts', 'src/shared/x.ts', 'test/unit/x.test.ts']) {
      expect(await lint(file, "import { ipcMain } from 'electron/main';\nexport const m = ipcMain;\n")).toContainEqual(expect.stringMatching(/^no-restricted-imports/));
    }
  });

  it('lets the desktop shell and the preload import electron', async () => {
    expect(await lint('src/main/electron/window.ts', "import { BrowserWindow } from 'electron';\nexport const W = BrowserWindow;\n")).toEqual([]);
    expect(await lint('src/preload/index.ts', "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n")).toEqual([]);
  });

  it('fails a renderer file that imports the engine or Node', async () => {
    const fromMain = await lint('src/renderer/src/App.tsx', "import { createEngine } from '../../main/engine/engine.ts';\nexport const e = createEngine;\n");
    expect(fromMain).toEqual([expect.stringMatching(/^no-restricted-imports: .*window\.ledgerdrop/)]);
    const node = await lint('src/renderer/src/App.tsx', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    expect(node).toEqual([expect.stringMatching(/^no-restricted-imports: .*without Node/)]);
    expect(await lint('src/renderer/src/x.ts', 'export const p = process.env;\n')).toEqual([expect.stringMatching(/^no-restricted-globals/)]);
  });

  it('fails shared code that uses Node or DOM APIs', async () => {
    expect(await lint('src/shared/x.ts', "import { join } from 'node:path';\nexport const j = join;\n")).toEqual([expect.stringMatching(/^no-restricted-imports/)]);
    expect(await lint('src/shared/x.ts', "import { join } from 'path';\nexport const j = join;\n")).toEqual([expect.stringMatching(/^no-restricted-imports/)]);
    expect(await lint('src/shared/x.ts', 'export const d = document.title;\n')).toEqual([expect.stringMatching(/^no-restricted-globals: .*no DOM/)]);
    expect(await lint('src/shared/x.ts', 'export const b = Buffer.alloc(1);\n')).toEqual([expect.stringMatching(/^no-restricted-globals: .*no Node/)]);
    expect(await lint('src/shared/x.ts', "import { x } from '../main/engine/engine.ts';\nexport const y = x;\n")).toEqual([expect.stringMatching(/^no-restricted-imports/)]);
  });

  it('accepts shared code that only uses zod and other shared modules', async () => {
    expect(await lint('src/shared/x.ts', "import { z } from 'zod';\nimport { OPERATION_NAMES } from './operation-names.ts';\nexport const s = z.enum(OPERATION_NAMES);\n")).toEqual([]);
  });
});
