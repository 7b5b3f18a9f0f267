import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';
import { codaStatement } from '../helpers/documents.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('watch folder "move processed files"', () => {
  it('moves what it took in to processed/ and what it could not read to failed/, never over another file; off by default', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const moving = join(root, 'moving');
    const keeping = join(root, 'keeping');
    const target = join(root, 'target');
    for (const d of [moving, keeping, target, join(moving, 'processed')]) mkdirSync(d);
    writeFileSync(join(moving, 'processed', 'a.cod'), 'an older file with the same name');
    writeFileSync(
      join(root, 'c.json'),
      JSON.stringify({
        connections: [{ id: 'f', service: 'local-folder', name: 'F', families: ['statements'], settings: { path: target, pathTemplate: '[original_name]' } }],
        clients: [
          { id: 'a', name: 'A', connection: 'f', activate: ['statements'], watchFolders: [{ path: moving, moveProcessed: true }] },
          { id: 'b', name: 'B', connection: 'f', activate: ['statements'], watchFolders: [{ path: keeping }] },
        ],
      }),
    );
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'c.json')])).code).toBe(0);
    writeFileSync(join(moving, 'a.cod'), codaStatement(1));
    writeFileSync(join(moving, 'broken.cod'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 7, 8]));
    writeFileSync(join(keeping, 'b.cod'), codaStatement(2));

    const run = await runLedgerdrop(['--home', home, 'run', '--once']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(target, 'a.cod'))).toEqual(codaStatement(1));
    expect(readFileSync(join(target, 'b.cod'))).toEqual(codaStatement(2));
    // Moved, next to (not over) the older file of the same name.
    expect(existsSync(join(moving, 'a.cod'))).toBe(false);
    expect(readFileSync(join(moving, 'processed', 'a.cod'), 'utf8')).toBe('an older file with the same name');
    expect(readFileSync(join(moving, 'processed', 'a (2).cod'))).toEqual(codaStatement(1));
    expect(readdirSync(join(moving, 'failed'))).toEqual(['broken.cod']);
    // The other folder is left exactly as it was.
    expect(readdirSync(keeping)).toEqual(['b.cod']);
    // A second run takes nothing more in from processed/.
    const again = JSON.parse((await runLedgerdrop(['--home', home, 'run', '--once', '--json'])).stdout) as { scanned: { added: number } };
    expect(again.scanned.added).toBe(0);
  });
});
