/**
 * The watch folder with native file events, on a real file system, every file written by another
 * process. The scenarios shared with polling mode are in test/unit/intake/watch-scenarios.ts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { tempDirs } from '../helpers/temp.ts';
import { q, sh, until } from '../unit/intake/fixtures.ts';
import { defineWatchScenarios, startWatcher } from '../unit/intake/watch-scenarios.ts';

defineWatchScenarios({ polling: false });

const WATCHER_URL = pathToFileURL(path.resolve('src/main/intake/watcher.ts')).href;

describe.concurrent('FolderWatcher (native events): failures and limits', () => {
  it('goes on after onFile throws or rejects, and offers those files again at the next rescan', async ({ expect, onTestFinished }) => {
    const calls: { file: string; trigger: string }[] = [];
    const { root, problems } = await startWatcher(onTestFinished, {
      rescanIntervalMs: 1500,
      onFile: (file, info) => {
        calls.push({ file: path.basename(file), trigger: info.trigger });
        const failures = calls.filter((call) => call.file === path.basename(file)).length;
        if (path.basename(file) === 'throws.xml' && failures === 1) throw new Error('database is locked');
        if (path.basename(file) === 'rejects.xml' && failures === 1) return Promise.reject(new Error('disk full'));
        return undefined;
      },
      onError: (problem) => {
        problems.push(problem);
        throw new Error('a careless onError must not stop the watcher either');
      },
    });
    await sh(`printf 1 > throws.xml; printf 2 > rejects.xml`, root);
    await until(() => problems.filter((p) => p.code === 'on-file-failed').length === 2, 5000);
    await sh(`printf 3 > fine.xml`, root);
    await until(() => calls.length === 5, 6000, () => JSON.stringify(calls));
    expect(calls.slice(0, 2).map((c) => c.file).sort()).toEqual(['rejects.xml', 'throws.xml']);
    expect(calls.slice(2)).toEqual(
      expect.arrayContaining([
        { file: 'fine.xml', trigger: 'event' },
        { file: 'throws.xml', trigger: 'rescan' },
        { file: 'rejects.xml', trigger: 'rescan' },
      ]),
    );
    expect(problems.filter((p) => p.code === 'on-file-failed').map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('database is locked'), expect.stringContaining('disk full')]),
    );
    await delay(1800); // one more rescan: nothing new
    expect(calls).toHaveLength(5);
  });

  it('reports a watcher error once, keeps quiet about busy files, and goes on watching', async ({ expect, onTestFinished }) => {
    const { root, rec, problems, watcher } = await startWatcher(onTestFinished);
    // There is no portable way to make inotify fail on demand (ENOSPC needs a system-wide limit),
    // so the error is emitted on the chokidar instance itself.
    const chokidar = (watcher as unknown as { chokidar: { emit(event: string, error: Error): void } }).chokidar;
    const limit = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), { code: 'ENOSPC', path: root });
    const busy = Object.assign(new Error('EBUSY: resource busy or locked, watch'), { code: 'EBUSY', path: path.join(root, 'copying.pdf') });
    chokidar.emit('error', limit);
    chokidar.emit('error', limit);
    chokidar.emit('error', busy);
    await sh(`printf x > after-error.xml`, root);
    await rec.waitFor(1);
    expect(rec.paths()).toEqual([path.join(root, 'after-error.xml')]);
    expect(problems).toEqual([{ code: 'watch-error', path: root, message: expect.stringContaining('fs.inotify.max_user_watches') }]);
  });

  it('runs at most `concurrency` onFile calls at once', async ({ expect, onTestFinished }) => {
    let active = 0;
    let most = 0;
    let done = 0;
    const { root, temp } = await startWatcher(onTestFinished, {
      concurrency: 4,
      onFile: async () => {
        active++;
        most = Math.max(most, active);
        await delay(150);
        active--;
        done++;
      },
    });
    const stage = temp.make();
    for (let i = 0; i < 24; i++) writeFileSync(path.join(stage, `f${i}.xml`), `file ${i}`);
    await sh(`cp ${q(stage)}/* ${q(root)}/`);
    await until(() => done === 24, 8000, () => `${done} done`);
    expect(most).toBe(4);
  });

  it('checks a file again when it changes while onFile is busy with it', async ({ expect, onTestFinished }) => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const { root } = await startWatcher(onTestFinished, {
      onFile: async (_file, info) => {
        sizes.push(info.size);
        if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await sh(`printf first > doc.xml`, root);
    await until(() => sizes.length === 1, 5000);
    await sh(`printf ' and more' >> doc.xml`, root);
    await delay(300);
    release();
    await until(() => sizes.length === 2, 5000);
    expect(sizes).toEqual([5, 14]);
  });

  it('stop() leaves nothing running: a process that starts and stops watchers exits by itself', async ({ expect, onTestFinished }) => {
    const temp = tempDirs('ledgerdrop-watch-exit-');
    onTestFinished(() => temp.cleanup());
    const root = temp.make();
    const script = `
      import { writeFileSync } from 'node:fs';
      import { FolderWatcher } from ${JSON.stringify(WATCHER_URL)};
      const root = ${JSON.stringify(root)};
      const common = { rescanIntervalMs: 1000, reattachIntervalMs: 200, onFile() {}, onError() {} };
      const watchers = [
        new FolderWatcher({ ...common, path: root, stableMs: 60000 }),
        new FolderWatcher({ ...common, path: root, polling: true, pollIntervalMs: 100, stableMs: 60000 }),
        new FolderWatcher({ ...common, path: root + '/missing' }),
      ];
      await Promise.all(watchers.map((w) => w.start()));
      writeFileSync(root + '/pending.xml', 'a readiness wait in progress');
      await new Promise((resolve) => setTimeout(resolve, 700));
      await Promise.all(watchers.map((w) => w.stop()));
      // Closed fs.watch handles are listed until their close callback has run.
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.stdout.write(JSON.stringify(process.getActiveResourcesInfo()));
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(6000);
    const resources = JSON.parse(out) as string[];
    expect(resources.filter((r) => !['PipeWrap', 'TTYWrap'].includes(r))).toEqual([]);
  });
});
