import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriterCheckSupported, openWriters } from '../../../src/main/intake/open-writers.ts';
import { waitUntilReady } from '../../../src/main/intake/readiness.ts';
import { tempDirs } from '../../helpers/temp.ts';
import { sha256File, slowWrite } from './fixtures.ts';

const temp = tempDirs('ledgerdrop-readiness-');
afterEach(() => temp.cleanup());

/** A child process that opens `file` (flags 'a' or 'r'), says "open", and keeps it open until killed. */
function holdOpen(file: string, flags: 'a' | 'r'): Promise<{ pid: number; close: () => void }> {
  const child = spawn(process.execPath, ['-e', `require('node:fs').openSync(process.argv[1], process.argv[2]); process.stdout.write('open'); setInterval(() => {}, 1000);`, file, flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.once('data', () => resolve({ pid: child.pid as number, close: () => child.kill('SIGKILL') }));
  });
}

describe('waitUntilReady', () => {
  it('says ready, with size and mtime, once a complete file has been stable for stableMs', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'invoice.xml');
    writeFileSync(file, '<Invoice/>');
    const started = performance.now();
    const result = await waitUntilReady(file, { stableMs: 200, pollMs: 20 });
    const elapsed = performance.now() - started;
    const info = statSync(file);
    expect(result).toEqual({ ready: true, size: 10, mtimeMs: expect.closeTo(info.mtimeMs, 0) });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(2000);
  });

  it('waits for a slow writer in another process, stall included, and returns the complete file', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'slow.pdf');
    const writing = slowWrite(file, { chunks: 20, chunkBytes: 32 * 1024, intervalMs: 30, stallAfter: 10, stallMs: 800 });
    // Stability alone (stableMs 300 < the 800 ms stall) would say "ready" mid-write; on Linux the
    // open-writer check sees the writer and keeps waiting.
    while (!statSync(file, { throwIfNoEntry: false })) await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await waitUntilReady(file, { stableMs: openWriterCheckSupported() ? 300 : 1500, pollMs: 25 });
    const written = await writing;
    expect(result).toMatchObject({ ready: true, size: written.size });
    expect(await sha256File(file)).toBe(written.sha256);
  });

  it('reports a file that vanishes (renamed away) while waiting', async () => {
    const dir = temp.make();
    const file = path.join(dir, '5A3B2C10');
    writeFileSync(file, 'excel save temporary');
    setTimeout(() => renameSync(file, path.join(dir, 'book.xlsx')), 50);
    expect(await waitUntilReady(file, { stableMs: 500, pollMs: 20 })).toEqual({ ready: false, reason: 'vanished' });
    expect(await waitUntilReady(path.join(dir, 'never-there.xml'), { stableMs: 10 })).toEqual({ ready: false, reason: 'vanished' });
  });

  it('refuses folders, temporary names and empty files', async () => {
    const dir = temp.make();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, '~$a.xlsx'), 'lock');
    writeFileSync(path.join(dir, 'empty.pdf'), '');
    expect(await waitUntilReady(path.join(dir, 'sub'), { stableMs: 10 })).toEqual({ ready: false, reason: 'not-a-file' });
    expect(await waitUntilReady(path.join(dir, '~$a.xlsx'), { stableMs: 10 })).toEqual({ ready: false, reason: 'temp-name' });
    expect(await waitUntilReady(path.join(dir, 'empty.pdf'), { stableMs: 50, pollMs: 10 })).toEqual({ ready: false, reason: 'empty' });
  });

  it('follows a symlink to a regular file', async () => {
    const dir = temp.make();
    writeFileSync(path.join(dir, 'target.xml'), 'abc');
    symlinkSync(path.join(dir, 'target.xml'), path.join(dir, 'link.xml'));
    expect(await waitUntilReady(path.join(dir, 'link.xml'), { stableMs: 20, pollMs: 10 })).toMatchObject({ ready: true, size: 3 });
  });

  it('times out on a file that keeps changing, saying so', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'growing.log');
    const writing = slowWrite(file, { chunks: 30, chunkBytes: 100, intervalMs: 20 });
    while (!statSync(file, { throwIfNoEntry: false })) await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await waitUntilReady(file, { stableMs: 200, pollMs: 10, timeoutMs: 300 });
    await writing;
    expect(result).toMatchObject({ ready: false, reason: 'timeout' });
  });

  it('returns "aborted" when the signal fires', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'x.xml');
    writeFileSync(file, 'x');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await waitUntilReady(file, { stableMs: 10_000, pollMs: 20, signal: controller.signal })).toEqual({ ready: false, reason: 'aborted' });
  });

  it.runIf(openWriterCheckSupported())('Linux: waits while another process holds the file open for writing, and says who', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'scan.pdf');
    writeFileSync(file, '%PDF-1.7 scanned');
    const writer = await holdOpen(file, 'a');
    try {
      const result = await waitUntilReady(file, { stableMs: 50, pollMs: 20, timeoutMs: 1500 });
      expect(result).toMatchObject({ ready: false, reason: 'timeout' });
      expect(result.ready === false && result.detail).toContain(`pid ${writer.pid}`);
    } finally {
      writer.close();
    }
    expect(await waitUntilReady(file, { stableMs: 50, pollMs: 20, timeoutMs: 5000 })).toMatchObject({ ready: true });
  });

  it.runIf(openWriterCheckSupported())('Linux: finds the writer whatever path either side uses (symlinked folder, symlinked file)', async () => {
    const dir = temp.make();
    mkdirSync(path.join(dir, 'real'));
    const file = path.join(dir, 'real', 'doc.xml');
    writeFileSync(file, 'x');
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'alias'));
    symlinkSync(file, path.join(dir, 'link.xml'));
    const writer = await holdOpen(path.join(dir, 'alias', 'doc.xml'), 'a');
    try {
      for (const asked of [file, path.join(dir, 'alias', 'doc.xml'), path.join(dir, 'link.xml')]) {
        expect((await openWriters(asked)).map((w) => w.pid)).toEqual([writer.pid]);
      }
    } finally {
      writer.close();
    }
  });

  it.runIf(openWriterCheckSupported())('Linux: a reader holding the file open does not delay it', async () => {
    const dir = temp.make();
    const file = path.join(dir, 'read.pdf');
    writeFileSync(file, '%PDF-1.7');
    const reader = await holdOpen(file, 'r');
    try {
      expect(await openWriters(file)).toEqual([]);
      expect(await waitUntilReady(file, { stableMs: 50, pollMs: 20, timeoutMs: 3000 })).toMatchObject({ ready: true });
    } finally {
      reader.close();
    }
  });

  it.runIf(openWriterCheckSupported())('Linux: one /proc sweep answers many concurrent questions', async () => {
    const dir = temp.make();
    const files = Array.from({ length: 50 }, (_, i) => path.join(dir, `f${i}.xml`));
    for (const file of files) writeFileSync(file, 'x');
    const writer = await holdOpen(files[7] as string, 'a');
    try {
      const answers = await Promise.all(files.map((file) => openWriters(file)));
      expect(answers.map((writers, i) => (writers.length > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([7]);
      expect(answers[7]?.[0]).toMatchObject({ pid: writer.pid, command: 'node' });
    } finally {
      writer.close();
    }
  });
});
