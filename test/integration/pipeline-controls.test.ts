import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';
import { codaStatement } from '../helpers/documents.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

async function setup() {
  const root = temp.make();
  const home = join(root, 'home');
  const target = join(root, 'import');
  const drop = join(root, 'drop');
  mkdirSync(target);
  mkdirSync(drop);
  const config = {
    connections: [{ id: 'folder', service: 'local-folder', name: 'Folder', families: ['invoices', 'statements'], settings: { path: target, pathTemplate: '[family]/[original_name]' } }],
    clients: [{ id: 'acme', name: 'ACME', identifiers: ['BE0123456749'], connection: 'folder', activate: ['statements'] }],
  };
  writeFileSync(join(root, 'config.json'), JSON.stringify(config));
  expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'config.json')])).code).toBe(0);
  const cli = (...args: string[]) => runLedgerdrop(['--home', home, ...args]);
  const add = async (n: number) => {
    const file = join(drop, `statement-${n}.cod`);
    writeFileSync(file, codaStatement(n));
    const result = await cli('import', file, '--client', 'acme', '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { queued: number };
  };
  return { root, home, target, cli, add };
}

describe('outbox controls through the command line', () => {
  it('keeps a delivery waiting while the destination folder is gone, and delivers it on retry once it is back', async () => {
    const s = await setup();
    expect((await s.add(1)).queued).toBe(1);
    renameSync(s.target, `${s.target}-unplugged`);
    const run = await s.cli('run', '--once');
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/waiting: statement-1\.cod .*is not there\. .*reconnect it/);
    expect(readdirSync(s.root)).not.toContain('import'); // the destination is never recreated

    renameSync(`${s.target}-unplugged`, s.target);
    expect((await s.cli('retry')).stdout).toBe('1 deliveries will be tried again at the next run.\n');
    const again = await s.cli('run', '--once', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ delivered: { done: 1, waiting: 0, failed: 0 } });
    expect(readdirSync(join(s.target, 'statements'))).toEqual(['statement-1.cod']);
  });

  it('pauses deliveries across restarts until resumed, while still taking documents in', async () => {
    const s = await setup();
    expect((await s.cli('pause')).stdout).toBe('Deliveries paused until you resume them.\n');
    expect((await s.add(2)).queued).toBe(1);
    const paused = await s.cli('run', '--once', '--json');
    expect(paused.code).toBe(3);
    expect(JSON.parse(paused.stdout)).toMatchObject({ delivered: { done: 0, waiting: 1 }, status: { pausedUntil: 'indefinitely' } });
    expect((await s.cli('status')).stdout).toContain('PAUSED until indefinitely');

    expect((await s.cli('resume')).stdout).toBe('Deliveries resumed.\n');
    expect((await s.cli('run', '--once')).code).toBe(0);
    expect(readdirSync(join(s.target, 'statements'))).toEqual(['statement-2.cod']);

    const timed = await s.cli('pause', '--for', '2h');
    expect(timed.stdout).toMatch(/^Deliveries paused until \d{4}-\d\d-\d\dT/);
    expect((await s.cli('pause', '--for', 'soon')).stderr).toMatch(/"soon" is not a duration/);
  });

  it('cancels a delivery, which then never goes out', async () => {
    const s = await setup();
    await s.cli('pause');
    await s.add(3);
    const status = JSON.parse((await s.cli('status', '--json')).stdout) as { outbox: { deliveries: { queued: number } } };
    expect(status.outbox.deliveries.queued).toBe(1);
    expect((await s.cli('cancel', '1')).stdout).toBe('Delivery 1 cancelled.\n');
    expect((await s.cli('cancel', '1')).code).toBe(1);
    await s.cli('resume');
    expect((await s.cli('run', '--once')).code).toBe(0);
    expect(readdirSync(s.target)).toEqual([]);
  });

  it('takes the same file in once, whatever its name', async () => {
    const s = await setup();
    await s.add(4);
    const copy = join(s.root, 'drop', 'copy-of-4.cod');
    writeFileSync(copy, codaStatement(4));
    const again = JSON.parse((await s.cli('import', copy, '--client', 'acme', '--json')).stdout) as { added: number; duplicates: number };
    expect(again).toMatchObject({ added: 0, duplicates: 1 });
  });
});
