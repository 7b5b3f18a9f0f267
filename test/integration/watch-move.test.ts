import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const coda = (n: number) =>
  [
    `0000001012600005        00000000  ACME BV                   GKCCBEBB   00123456749 00000                                       2`,
    `10${String(n).padStart(3, '0')}BE68539007547034                  EUR0000000001000000010126ACME BV                   Compte courant                     001`,
    `8${String(n).padStart(3, '0')}BE68539007547034                  EUR0000000001000000020126                                                                0`,
    `9               000002000000000000000000000000000000                                                                           2`,
  ]
    .map((l) => l.padEnd(128, ' '))
    .join('\n');

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
    writeFileSync(join(moving, 'a.cod'), coda(1));
    writeFileSync(join(moving, 'broken.cod'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 7, 8]));
    writeFileSync(join(keeping, 'b.cod'), coda(2));

    const run = await runLedgerdrop(['--home', home, 'run', '--once']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(target, 'a.cod'), 'utf8')).toBe(coda(1));
    expect(readFileSync(join(target, 'b.cod'), 'utf8')).toBe(coda(2));
    // Moved, next to (not over) the older file of the same name.
    expect(existsSync(join(moving, 'a.cod'))).toBe(false);
    expect(readFileSync(join(moving, 'processed', 'a.cod'), 'utf8')).toBe('an older file with the same name');
    expect(readFileSync(join(moving, 'processed', 'a (2).cod'), 'utf8')).toBe(coda(1));
    expect(readdirSync(join(moving, 'failed'))).toEqual(['broken.cod']);
    // The other folder is left exactly as it was.
    expect(readdirSync(keeping)).toEqual(['b.cod']);
    // A second run takes nothing more in from processed/.
    const again = JSON.parse((await runLedgerdrop(['--home', home, 'run', '--once', '--json'])).stdout) as { scanned: { added: number } };
    expect(again.scanned.added).toBe(0);
  });
});
