import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';
import { codaStatement } from '../helpers/documents.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ledgerdrop run (the continuous agent)', () => {
  it('delivers files another process drops into a watch folder while it runs, and stops cleanly on SIGTERM', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const watch = join(root, 'watch');
    const target = join(root, 'target');
    mkdirSync(watch);
    mkdirSync(target);
    writeFileSync(join(watch, 'before.cod'), codaStatement(1)); // baseline: never exported
    writeFileSync(
      join(root, 'c.json'),
      JSON.stringify({
        connections: [{ id: 'f', service: 'local-folder', name: 'F', families: ['statements'], settings: { path: target, pathTemplate: '[original_name]' } }],
        clients: [{ id: 'acme', name: 'ACME', connection: 'f', activate: ['statements'], watchFolders: [{ path: watch }] }],
      }),
    );
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'c.json')])).code).toBe(0);

    const agent = spawn(process.execPath, [CLI, '--home', home, 'run'], { cwd: REPO_ROOT, env: { ...process.env, LEDGERDROP_STABLE_MS: '300' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    agent.stdout.on('data', (d: Buffer) => (output += d.toString()));
    agent.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => agent.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output.includes('is running on'), 20_000, 'the agent to start');
      // Another process writes the statements (a shell copies them in).
      const staging = join(root, 'staging');
      mkdirSync(staging);
      for (let i = 2; i <= 6; i += 1) writeFileSync(join(staging, `s${i}.cod`), codaStatement(i));
      execFileSync('sh', ['-c', `cp "${staging}"/*.cod "${watch}/"`]);
      await waitFor(() => [2, 3, 4, 5, 6].every((i) => existsSync(join(target, `s${i}.cod`))), 30_000, `deliveries (agent output: ${output})`);
      for (let i = 2; i <= 6; i += 1) expect(readFileSync(join(target, `s${i}.cod`))).toEqual(codaStatement(i));
      expect(existsSync(join(target, 'before.cod'))).toBe(false);

      // Other commands work next to the agent: they are answered by it over its control socket.
      const status = await runLedgerdrop(['--home', home, 'status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ outbox: { deliveries: { done: 5 } } });
      writeFileSync(join(staging, 'imported.cod'), codaStatement(9));
      const imported = await runLedgerdrop(['--home', home, 'import', join(staging, 'imported.cod'), '--client', 'acme', '--json']);
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ added: 1, queued: 1 });
      await waitFor(() => existsSync(join(target, 'imported.cod')), 10_000, 'the imported statement to be delivered');
      const second = await runLedgerdrop(['--home', home, 'run']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already using the data folder/);
    } finally {
      agent.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('stopping');
    // The data folder was released: another command can use it at once.
    const after = JSON.parse((await runLedgerdrop(['--home', home, 'status', '--json'])).stdout) as { outbox: { deliveries: { done: number } } };
    expect(after.outbox.deliveries.done).toBe(6);
    expect(existsSync(join(home, 'engine.sock'))).toBe(false);
  });
});
