import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

/** `npm test` builds before testing; these check what `npm run build` produced. */
const out = join(REPO_ROOT, 'out');

describe('npm run build', () => {
  it('produces the main process, the engine host, the preload and the renderer', () => {
    expect(existsSync(out), 'run `npm run build` first').toBe(true);
    for (const file of ['main/index.js', 'main/engine-host.js', 'preload/index.cjs', 'renderer/index.html']) expect(existsSync(join(out, file)), file).toBe(true);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(existsSync(join(REPO_ROOT, pkg.main))).toBe(true);
  });

  it('keeps the preload one small CommonJS file without a schema library', () => {
    const preload = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).not.toMatch(/require\("\.\.?\//); // a sandboxed preload cannot load other files
    expect(preload).not.toMatch(/ZodError|\$ZodType|\.safeParse\(/);
    expect(preload.length).toBeLessThan(20_000);
  });

  it('keeps the engine host free of electron and the native modules external', () => {
    const host = readFileSync(join(out, 'main/engine-host.js'), 'utf8');
    expect(host).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
    const mainFiles = readdirSync(join(out, 'main'), { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
    const all = mainFiles.map((f) => readFileSync(join(out, 'main', f), 'utf8')).join('\n');
    expect(all).toMatch(/["']better-sqlite3["']/);
    expect(all).toMatch(/["']@napi-rs\/keyring["']/);
  });

  it('serves the renderer with a Content-Security-Policy and no inline script', () => {
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"[^>]*script-src 'self'/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
