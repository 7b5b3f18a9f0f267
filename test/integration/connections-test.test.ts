/** `ledgerdrop connections test ID`: tries a connection without delivering, says what it saw, exit 1 when it does not work. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('ledgerdrop connections test', () => {
  it('reports a working folder with an example path, a missing one with exit 1 and the fix, an unknown id as not found', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const target = join(root, 'import');
    mkdirSync(target);
    writeFileSync(
      join(root, 'config.json'),
      JSON.stringify({ connections: [{ id: 'office', service: 'local-folder', name: 'Import folder', families: ['invoices'], settings: { path: target, pathTemplate: '[accounting_file_id]/[original_name]' } }], clients: [] }),
    );
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'config.json')])).code).toBe(0);

    const ok = await runLedgerdrop(['--home', home, 'connections', 'test', 'office', '--json']);
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as { ok: boolean; message: string; facts: Record<string, string>; accept: Record<string, string>; accepted: boolean };
    expect(result).toMatchObject({ ok: true, accept: {}, accepted: false });
    expect(result.facts.example).toMatch(new RegExp(`^${target}/`));
    expect(readdirSync(target)).toEqual([]); // the write probe is gone: nothing was delivered

    rmSync(target, { recursive: true });
    const missing = await runLedgerdrop(['--home', home, 'connections', 'test', 'office']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^Problem: The folder .* does not exist\. Create it, or reconnect the drive/);

    const unknown = await runLedgerdrop(['--home', home, 'connections', 'test', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/There is no connection "nope"/);

    const signIn = await runLedgerdrop(['--home', home, 'connections', 'sign-in', 'office']);
    expect(signIn.code).toBe(1);
    expect(signIn.stderr).toMatch(/does not sign in through the browser/);
  });
});
