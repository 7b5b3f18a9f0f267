import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupStalePartials, partialNameFor, PARTIAL_PATTERN, writeFileAtomic } from '../../../src/main/connectors/atomic-write.ts';
import { DeliveryError } from '../../../src/main/connectors/types.ts';
import { tempDirs } from '../../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-atomic-');
afterEach(() => temp.cleanup());

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const ATOMIC_WRITE_URL = pathToFileURL(path.resolve('src/main/connectors/atomic-write.ts')).href;

/** All files under dir, relative, sorted (partials included). */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  }
  throw new Error('expected a DeliveryError, but the write succeeded');
}

describe('writeFileAtomic', () => {
  it('writes the file under new subfolders and leaves no partial behind', async () => {
    const base = temp.make();
    const progress: number[] = [];
    const result = await writeFileAtomic(base, 'DOS-1/invoices/F-1.xml', bytes('<Invoice/>'), { collision: 'keep-both', onProgress: (written) => progress.push(written) });
    expect(result).toEqual({ path: path.join(base, 'DOS-1', 'invoices', 'F-1.xml'), relativePath: 'DOS-1/invoices/F-1.xml', name: 'F-1.xml', alreadyThere: false });
    expect(readFileSync(result.path, 'utf8')).toBe('<Invoice/>');
    expect(listFiles(base)).toEqual(['DOS-1/invoices/F-1.xml']);
    expect(progress.at(-1)).toBe(10);
  });

  it('counts an identical file as already delivered (a retry after an unseen success)', async () => {
    const base = temp.make();
    const first = await writeFileAtomic(base, 'a/F-1.xml', bytes('same'));
    const again = await writeFileAtomic(base, 'a/F-1.xml', bytes('same'));
    expect(again).toEqual({ ...first, alreadyThere: true });
    expect(listFiles(base)).toEqual(['a/F-1.xml']);
  });

  it('never overwrites a different file: keeps both as name (2).ext, (3) …', async () => {
    const base = temp.make();
    writeFileSync(path.join(base, 'F-1.xml'), 'the accountant’s own file');
    const second = await writeFileAtomic(base, 'F-1.xml', bytes('version B'));
    const third = await writeFileAtomic(base, 'F-1.xml', bytes('version C'));
    expect([second.name, third.name]).toEqual(['F-1 (2).xml', 'F-1 (3).xml']);
    expect(readFileSync(path.join(base, 'F-1.xml'), 'utf8')).toBe('the accountant’s own file');
    expect(readFileSync(second.path, 'utf8')).toBe('version B');
    expect(readFileSync(third.path, 'utf8')).toBe('version C');
    // A retry of C finds its own copy, even after somebody removed (2) meanwhile.
    rmSync(second.path);
    expect(await writeFileAtomic(base, 'F-1.xml', bytes('version C'))).toMatchObject({ name: 'F-1 (3).xml', alreadyThere: true });
    expect(listFiles(base)).toEqual(['F-1 (3).xml', 'F-1.xml']);
    // Same size, different bytes: compared by SHA-256, not trusted by size.
    expect(await writeFileAtomic(base, 'F-1.xml', bytes('version D'))).toMatchObject({ name: 'F-1 (2).xml', alreadyThere: false });
  });

  it('numbers files without an extension and very long names within 255 bytes', async () => {
    const base = temp.make();
    writeFileSync(path.join(base, 'README'), 'x');
    expect((await writeFileAtomic(base, 'README', bytes('y'))).name).toBe('README (2)');
    const long = `${'é'.repeat(125)}.xml`; // 254 bytes
    await writeFileAtomic(base, long, bytes('one'));
    const copy = await writeFileAtomic(base, long, bytes('two'));
    expect(copy.name.endsWith(' (2).xml')).toBe(true);
    expect(Buffer.byteLength(copy.name)).toBeLessThanOrEqual(255);
    expect(await writeFileAtomic(base, long, bytes('two'))).toMatchObject({ name: copy.name, alreadyThere: true });
  });

  it('writes empty files', async () => {
    const base = temp.make();
    const result = await writeFileAtomic(base, 'empty.txt', new Uint8Array());
    expect(readFileSync(result.path).length).toBe(0);
    expect((await writeFileAtomic(base, 'empty.txt', new Uint8Array())).alreadyThere).toBe(true);
  });

  for (const hardLinks of [true, false]) {
    describe(hardLinks ? 'with hard links (no-replace link)' : 'without hard links (rename under a folder lock, as on FAT/exFAT)', () => {
      it('concurrent deliveries of the same name never clobber each other', async () => {
        const base = temp.make();
        const contents = Array.from({ length: 10 }, (_, i) => `invoice variant ${i} ${'x'.repeat(i * 1000)}`);
        const results = await Promise.all(contents.map((text) => writeFileAtomic(base, 'out/F-9.xml', bytes(text), { hardLinks })));
        const names = results.map((result) => result.name);
        expect(new Set(names).size).toBe(10);
        expect(results.every((result) => !result.alreadyThere)).toBe(true);
        results.forEach((result, i) => expect(readFileSync(result.path, 'utf8')).toBe(contents[i]));
        expect(listFiles(base).filter((name) => name.endsWith('.partial'))).toEqual([]);
        expect(listFiles(base)).toHaveLength(10);
      });

      it('concurrent retries of the same bytes produce exactly one file per distinct content', async () => {
        const base = temp.make();
        const variants = ['A', 'B', 'C', 'D'].map((letter) => `statement ${letter}`);
        const calls = variants.flatMap((text) => [text, text, text]);
        const results = await Promise.all(calls.map((text) => writeFileAtomic(base, 'F.cod', bytes(text), { hardLinks })));
        expect(listFiles(base)).toHaveLength(4);
        expect(results.filter((result) => !result.alreadyThere)).toHaveLength(4);
        const byContent = new Map<string, Set<string>>();
        results.forEach((result, i) => {
          expect(readFileSync(result.path, 'utf8')).toBe(calls[i]);
          byContent.set(calls[i] ?? '', (byContent.get(calls[i] ?? '') ?? new Set()).add(result.name));
        });
        for (const names of byContent.values()) expect(names.size).toBe(1);
      });
    });
  }

  it('a leftover .partial of a killed process never becomes the final name', async () => {
    const base = temp.make();
    // A real crash: a child process SIGKILLs itself after writing the first megabyte of a 4 MiB file.
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(ATOMIC_WRITE_URL)});
      await writeFileAtomic(process.argv[1], 'sub/big.pdf', new Uint8Array(4 * 1024 * 1024).fill(7), {
        onProgress: (written) => { if (written >= 1024 * 1024) process.kill(process.pid, 'SIGKILL'); },
      });
      console.log('not killed');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, base], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal, output).toBe('SIGKILL');

    const left = listFiles(base);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^sub\/\.big\.pdf\.[0-9a-f]{12}\.partial$/);
    expect(existsSync(path.join(base, 'sub', 'big.pdf'))).toBe(false);

    // The retry writes the real file; the partial is left for the stale-partial sweep.
    const retry = await writeFileAtomic(base, 'sub/big.pdf', new Uint8Array(4 * 1024 * 1024).fill(7));
    expect(retry).toMatchObject({ name: 'big.pdf', alreadyThere: false });

    const partial = path.join(base, left[0] ?? '');
    expect(await cleanupStalePartials(base)).toEqual([]); // still fresh: maybe another writer's
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    utimesSync(partial, old, old);
    expect(await cleanupStalePartials(base)).toEqual([partial]);
    expect(listFiles(base)).toEqual(['sub/big.pdf']);
  });

  it('a crash between the link and the partial removal: the retry finds its copy, the sweep removes the partial', async () => {
    const base = temp.make();
    mkdirSync(path.join(base, 'x'));
    writeFileSync(path.join(base, 'x', 'F-2.xml'), 'delivered');
    const partial = path.join(base, 'x', partialNameFor('F-2.xml', 'abcdef012345'));
    writeFileSync(partial, 'delivered');
    expect(await writeFileAtomic(base, 'x/F-2.xml', bytes('delivered'))).toMatchObject({ name: 'F-2.xml', alreadyThere: true });
    expect(await cleanupStalePartials(base, { olderThanMinutes: 10, now: Date.now() + 11 * 60_000 })).toEqual([partial]);
    expect(listFiles(base)).toEqual(['x/F-2.xml']);
  });

  it('cleanupStalePartials removes only its own naming, at any depth, and tolerates a missing folder', async () => {
    const base = temp.make();
    mkdirSync(path.join(base, 'a', 'b', 'c'), { recursive: true });
    const ours = [path.join(base, '.x.xml.0123456789ab.partial'), path.join(base, 'a', 'b', 'c', '.y.pdf.ba9876543210.partial')];
    const notOurs = [path.join(base, 'download.partial'), path.join(base, 'a', '.z.partial'), path.join(base, 'a', 'b', 'keep.xml')];
    for (const file of [...ours, ...notOurs]) writeFileSync(file, 'x');
    const removed = await cleanupStalePartials(base, { olderThanMinutes: 0, now: Date.now() + 1000 });
    expect(removed.sort()).toEqual(ours.sort());
    for (const file of notOurs) expect(existsSync(file)).toBe(true);
    expect(await cleanupStalePartials(path.join(base, 'missing'))).toEqual([]);
    expect(PARTIAL_PATTERN.test(partialNameFor('x'.repeat(255), '0123456789ab'))).toBe(true);
    expect(Buffer.byteLength(partialNameFor('x'.repeat(255), '0123456789ab'))).toBeLessThanOrEqual(255);
  });

  it('does not recreate a destination folder that has gone away (retry, destination-missing)', async () => {
    const parent = temp.make();
    const base = path.join(parent, 'share');
    mkdirSync(base);
    await writeFileAtomic(base, 'DOS/invoices/a.xml', bytes('a'));
    rmSync(base, { recursive: true });
    const error = await deliveryError(writeFileAtomic(base, 'DOS/invoices/b.xml', bytes('b')));
    expect(error.failure).toBe('retry');
    expect(error.code).toBe('destination-missing');
    expect(error.message).toContain(base);
    expect(error.message).toMatch(/reconnect/);
    expect(existsSync(base)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('makes a subfolder again when it was deleted after an earlier delivery, and notices a file put in its place', async () => {
    const base = temp.make();
    await writeFileAtomic(base, 'DOS/invoices/a.xml', bytes('a'));
    rmSync(path.join(base, 'DOS'), { recursive: true }); // tidied by hand
    const again = await writeFileAtomic(base, 'DOS/invoices/b.xml', bytes('b'));
    expect(again.alreadyThere).toBe(false);
    expect(listFiles(base)).toEqual(['DOS/invoices/b.xml']);
    rmSync(path.join(base, 'DOS'), { recursive: true });
    writeFileSync(path.join(base, 'DOS'), 'not a folder');
    const error = await deliveryError(writeFileAtomic(base, 'DOS/invoices/c.xml', bytes('c')));
    expect(error.failure).toBe('no-retry');
    expect(error.code).toBe('not-a-folder');
    expect(listFiles(base)).toEqual(['DOS']);
  });

  it('refuses paths that leave the destination, and reports files in the way of folders', async () => {
    const base = temp.make();
    for (const bad of ['../escape.xml', 'a/../../escape.xml', '/etc/passwd', 'a//b.xml', '', 'C:/x.xml', 'a/./b.xml']) {
      const error = await deliveryError(writeFileAtomic(base, bad, bytes('x')));
      expect(error).toMatchObject({ failure: 'no-retry', code: 'invalid-name' });
    }
    writeFileSync(path.join(base, 'invoices'), 'a file, not a folder');
    expect(await deliveryError(writeFileAtomic(base, 'invoices/a.xml', bytes('x')))).toMatchObject({ failure: 'no-retry', code: 'not-a-folder' });
    const file = path.join(base, 'invoices');
    expect(await deliveryError(writeFileAtomic(file, 'a.xml', bytes('x')))).toMatchObject({ failure: 'no-retry', code: 'not-a-folder' });
    expect(listFiles(base)).toEqual(['invoices']);
  });

  it('maps a name the file system refuses as too long to no-retry name-too-long, cleaning its partial', async () => {
    const base = temp.make();
    const error = await deliveryError(writeFileAtomic(base, `${'n'.repeat(300)}.xml`, bytes('x')));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'name-too-long' });
    expect(error.message).toMatch(/Shorten the path template/);
    expect(listFiles(base)).toEqual([]);
  });

  it('stops before writing when the delivery is cancelled', async () => {
    const base = temp.make();
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(writeFileAtomic(base, 'a.xml', bytes('x'), { signal: controller.signal })).rejects.toThrow('cancelled by the user');
    expect(listFiles(base)).toEqual([]);
  });
});
