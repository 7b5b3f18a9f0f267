import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFolder, scanFolder } from '../../../src/main/intake/scan.ts';
import { tempDirs } from '../../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-scan-');
afterEach(() => temp.cleanup());

function put(root: string, relative: string, text = 'x'): void {
  const file = path.join(root, ...relative.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const relative = (root: string, files: { path: string }[]): string[] => files.map((file) => path.relative(root, file.path).split(path.sep).join('/'));

describe('scanFolder', () => {
  it('lists regular files in every subfolder, with size and mtime, in name order', async () => {
    const root = temp.make();
    put(root, 'b.xml', 'bbb');
    put(root, 'a.pdf');
    put(root, '2024/q1/inv-1.xml');
    put(root, '2024/inv-0.xml');
    const { files, problems } = await listFolder(root);
    expect(problems).toEqual([]);
    expect(relative(root, files)).toEqual(['a.pdf', 'b.xml', '2024/inv-0.xml', '2024/q1/inv-1.xml']);
    expect(files[1]).toMatchObject({ kind: 'file', size: 3, mtimeMs: expect.any(Number) });
  });

  it('skips temporary and system names, hidden folders, and our processed/ and failed/ folders at the top only', async () => {
    const root = temp.make();
    for (const name of ['~$a.xlsx', 'x.crdownload', '.x.partial', 'x.tmp', 'Thumbs.db', 'desktop.ini', '.DS_Store', '.git/config', 'processed/done.xml', 'FAILED/bad.xml']) put(root, name);
    put(root, 'keep.xml');
    put(root, 'clients/processed/keep-too.xml');
    const { files, problems } = await listFolder(root);
    expect(problems).toEqual([]);
    expect(relative(root, files)).toEqual(['keep.xml', 'clients/processed/keep-too.xml']);
  });

  it('limits the depth like chokidar (0 = only the root files)', async () => {
    const root = temp.make();
    put(root, 'top.xml');
    put(root, 'a/one.xml');
    put(root, 'a/b/two.xml');
    expect(relative(root, (await listFolder(root, { maxDepth: 0 })).files)).toEqual(['top.xml']);
    expect(relative(root, (await listFolder(root, { recursive: false })).files)).toEqual(['top.xml']);
    expect(relative(root, (await listFolder(root, { maxDepth: 1 })).files)).toEqual(['top.xml', 'a/one.xml']);
  });

  it('follows symlinks but survives loops and lists each folder once; a broken link is reported, not thrown', async () => {
    const root = temp.make();
    put(root, 'real/inv.xml');
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias')); // a second way into real/
    symlinkSync(root, path.join(root, 'real', 'loop')); // back to the root
    symlinkSync(path.join(root, 'real', 'inv.xml'), path.join(root, 'linked.xml'));
    symlinkSync(path.join(root, 'nowhere.xml'), path.join(root, 'broken.xml'));
    const { files, problems } = await listFolder(root);
    // "alias" sorts before "real", so the folder is listed under that name, once.
    expect(relative(root, files)).toEqual(['linked.xml', 'alias/inv.xml']);
    expect(problems).toEqual([{ kind: 'error', path: path.join(root, 'broken.xml'), code: 'ENOENT', message: expect.stringContaining('does not exist') }]);
  });

  it('reports a missing root or a file given as root as one error entry', async () => {
    const root = temp.make();
    put(root, 'file.xml');
    expect(await listFolder(path.join(root, 'gone'))).toEqual({ files: [], problems: [{ kind: 'error', path: path.join(root, 'gone'), code: 'ENOENT', message: expect.any(String) }] });
    expect((await listFolder(path.join(root, 'file.xml'))).problems).toMatchObject([{ code: 'ENOTDIR' }]);
  });

  it('stops early, quietly, when aborted', async () => {
    const root = temp.make();
    for (let i = 0; i < 100; i++) put(root, `d${i}/f.xml`);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const entry of scanFolder(root, { signal: controller.signal })) {
      seen.push(entry.path);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.length).toBe(3);
  });

  it('scans a root whose own name is hidden', async () => {
    const parent = temp.make();
    const root = path.join(parent, '.inbox');
    put(root, 'inv.xml');
    expect(relative(root, (await listFolder(root)).files)).toEqual(['inv.xml']);
  });
});
