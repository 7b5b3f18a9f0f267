/**
 * The FolderWatcher scenarios, run with native events (test/integration/watch.test.ts) and with
 * polling (test/integration/watch-polling.test.ts). Every file is written by another process
 * (node -e, cp, mv, sh), as in production. The scenarios run concurrently, each in its own folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { openWriterCheckSupported } from '../../../src/main/intake/open-writers.ts';
import { FolderWatcher } from '../../../src/main/intake/watcher.ts';
import type { FolderWatcherOptions, WatchProblem } from '../../../src/main/intake/watcher.ts';
import { tempDirs } from '../../helpers/temp.ts';
import { q, recorder, sh, slowWrite, until } from './fixtures.ts';

export interface ScenarioOptions {
  polling: boolean;
  /** chokidar's polling interval in polling mode. */
  pollIntervalMs?: number;
  /** Also run the 500-file burst. */
  burst?: boolean;
}

/** Root may bind-mount here (Linux, not in every container): the "share unmounted" scenario. */
const canBindMount = ((): boolean => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const temp = tempDirs('ledgerdrop-watch-mount-probe-');
  try {
    const [a, b] = [temp.make(), temp.make()];
    if (spawnSync('mount', ['--bind', a, b]).status !== 0) return false;
    return spawnSync('umount', [b]).status === 0;
  } finally {
    temp.cleanup();
  }
})();

export type StartOverrides = Partial<FolderWatcherOptions> & { root?: string; before?: (root: string) => void };

/** The test context's onTestFinished: with concurrent tests the global one would pick the wrong test. */
export type OnFinished = (fn: () => void | Promise<void>) => void;

/**
 * A started watcher over a fresh folder (or `root`), recording onFile and onError; stopped and its
 * folders removed when the test ends. Test defaults: stableMs 500, no periodic rescan, folder
 * checked every 300 ms.
 */
export async function startWatcher(onFinished: OnFinished, overrides: StartOverrides = {}) {
  const { root: givenRoot, before, ...options } = overrides;
  const temp = tempDirs('ledgerdrop-watch-');
  const root = givenRoot ?? temp.make();
  before?.(root);
  const rec = recorder();
  const problems: WatchProblem[] = [];
  const watcher = new FolderWatcher({
    path: root,
    stableMs: 500,
    rescanIntervalMs: 0,
    reattachIntervalMs: 300,
    onFile: rec.onFile,
    onError: (problem) => problems.push(problem),
    ...options,
  });
  onFinished(async () => {
    await watcher.stop();
    temp.cleanup();
  });
  const result = await watcher.start();
  return { root, rec, problems, watcher, result, temp };
}

export function defineWatchScenarios({ polling, pollIntervalMs = 500, burst = true }: ScenarioOptions): void {
  const mode = polling ? 'polling' : 'native events';

  const started = (onFinished: OnFinished, overrides: StartOverrides = {}): ReturnType<typeof startWatcher> => startWatcher(onFinished, { polling, pollIntervalMs, ...overrides });

  describe.concurrent(`FolderWatcher (${mode})`, () => {
    it('reports a file written slowly by another process once, after it is closed, with exactly the bytes written', async ({ expect, onTestFinished }) => {
      // Default readiness settings: stableMs 2000.
      const { root, rec, watcher } = await started(onTestFinished, { stableMs: undefined });
      const file = path.join(root, 'scan-0001.pdf');
      // 40 × 64 KB every 50 ms, with a 1.5 s stall half way (the awaitWriteFinish pitfall).
      const written = await slowWrite(file, { chunks: 40, chunkBytes: 64 * 1024, intervalMs: 50, stallAfter: 20, stallMs: 1500 });
      await rec.waitFor(1, 10_000);
      const [delivery] = rec.deliveries;
      expect(delivery).toMatchObject({ path: file, sha256: written.sha256, size: 40 * 64 * 1024, trigger: 'event' });
      expect(delivery?.at).toBeGreaterThanOrEqual(written.closedAt);
      // Nothing more, not even after a full rescan.
      await delay(1000);
      await watcher.rescan();
      await delay(300);
      expect(rec.deliveries).toHaveLength(1);
    });

    it.runIf(openWriterCheckSupported())('Linux: still waits when the stall is longer than stableMs, because the writer still has the file open', async ({ expect, onTestFinished }) => {
      // stableMs 500 with a 1.5 s stall: size and mtime alone would say "done" half way.
      const { root, rec } = await started(onTestFinished, { stableMs: 500 });
      const file = path.join(root, 'stalled.pdf');
      const written = await slowWrite(file, { chunks: 40, chunkBytes: 64 * 1024, intervalMs: 50, stallAfter: 20, stallMs: 1500 });
      await rec.waitFor(1, 10_000);
      await delay(1000);
      expect(rec.deliveries).toHaveLength(1);
      expect(rec.deliveries[0]).toMatchObject({ path: file, sha256: written.sha256, size: written.size });
      expect(rec.deliveries[0]?.at).toBeGreaterThanOrEqual(written.closedAt);
    });

    it.runIf(burst)('reports each of 500 files copied in at once by cp exactly once', async ({ expect, onTestFinished }) => {
      const { root, rec, watcher, temp } = await started(onTestFinished);
      const stage = temp.make();
      const expected = new Map<string, string>();
      for (let i = 0; i < 500; i++) {
        const name = `inv-${String(i).padStart(4, '0')}.xml`;
        const text = `<Invoice><ID>${i}</ID>${'x'.repeat(2000 + i)}</Invoice>`;
        writeFileSync(path.join(stage, name), text);
        expected.set(path.join(root, name), text);
      }
      await sh(`cp ${q(stage)}/* ${q(root)}/`);
      await rec.waitFor(500, 20_000);
      await delay(700);
      await watcher.rescan();
      await delay(300);
      expect(rec.paths()).toEqual([...expected.keys()].sort());
      for (const delivery of rec.deliveries) expect(delivery.size).toBe(expected.get(delivery.path)?.length);
    });

    it('never reports temporary names, but reports x.tmp once renamed to x.xml', async ({ expect, onTestFinished }) => {
      const { root, rec, watcher } = await started(onTestFinished);
      await sh(`printf a > '~$a.xlsx'; printf b > x.crdownload; printf c > .x.partial; printf d > x.tmp; printf e > Thumbs.db; printf f > .~lock.x.odt#; sleep 0.3; mv x.tmp x.xml`, root);
      await rec.waitFor(1);
      await delay(900);
      await watcher.rescan();
      await delay(700);
      expect(rec.paths()).toEqual([path.join(root, 'x.xml')]);
      expect(rec.deliveries[0]?.size).toBe(1);
    });

    it('returns the files present at start as the baseline and never hands them over, unless they change', async ({ expect, onTestFinished }) => {
      const { root, rec, result, watcher, problems } = await started(onTestFinished, {
        before: (dir) => {
          writeFileSync(path.join(dir, 'old-1.xml'), 'old 1');
          mkdirSync(path.join(dir, '2023'));
          writeFileSync(path.join(dir, '2023', 'old-2.pdf'), 'old 2');
          writeFileSync(path.join(dir, '~$old.xlsx'), 'lock');
          mkdirSync(path.join(dir, 'processed'));
          writeFileSync(path.join(dir, 'processed', 'done.xml'), 'done');
        },
      });
      expect(result).toEqual({ attached: true, baseline: [path.join(root, 'old-1.xml'), path.join(root, '2023', 'old-2.pdf')] });
      await sh(`printf new > new.xml`, root);
      await rec.waitFor(1);
      await watcher.rescan();
      await delay(900);
      expect(rec.paths()).toEqual([path.join(root, 'new.xml')]);
      // A baseline file that is changed afterwards is new content.
      await sh(`printf ' changed' >> old-1.xml`, root);
      await rec.waitFor(2);
      expect(rec.deliveries[1]).toMatchObject({ path: path.join(root, 'old-1.xml'), size: 'old 1 changed'.length });
      expect(problems).toEqual([]);
    });

    it('counts a file or folder moved in as new, ignores a file moved out, and reports it again when moved back', async ({ expect, onTestFinished }) => {
      const { root, rec, temp } = await started(onTestFinished);
      const outside = temp.make();
      writeFileSync(path.join(outside, 'moved.xml'), 'moved in');
      mkdirSync(path.join(outside, 'batch'));
      writeFileSync(path.join(outside, 'batch', 'a.xml'), 'a');
      writeFileSync(path.join(outside, 'batch', 'b.xml'), 'b');
      await sh(`mv ${q(path.join(outside, 'moved.xml'))} ${q(root)}/ && mv ${q(path.join(outside, 'batch'))} ${q(root)}/`);
      await rec.waitFor(3);
      expect(rec.paths()).toEqual([path.join(root, 'batch', 'a.xml'), path.join(root, 'batch', 'b.xml'), path.join(root, 'moved.xml')]);
      await sh(`mv ${q(path.join(root, 'moved.xml'))} ${q(outside)}/`);
      await delay(1200);
      expect(rec.deliveries).toHaveLength(3);
      await sh(`mv ${q(path.join(outside, 'moved.xml'))} ${q(root)}/`);
      await rec.waitFor(4);
      expect(rec.deliveries[3]?.path).toBe(path.join(root, 'moved.xml'));
    });

    it('reports folder-missing when the folder is removed, folder-back when it is recreated, and then sees new files', async ({ expect, onTestFinished }) => {
      const { root, rec, problems } = await started(onTestFinished);
      await sh(`rm -rf ${q(root)}`);
      await until(() => problems.some((p) => p.code === 'folder-missing'), 5000, () => JSON.stringify(problems));
      await delay(500);
      expect(problems.map((p) => p.code)).toEqual(['folder-missing']);
      await sh(`mkdir ${q(root)} && printf away > ${q(path.join(root, 'while-away.xml'))}`);
      await until(() => problems.some((p) => p.code === 'folder-back'), 5000, () => JSON.stringify(problems));
      await sh(`printf after > after.xml`, root);
      await rec.waitFor(2);
      expect(rec.paths()).toEqual([path.join(root, 'after.xml'), path.join(root, 'while-away.xml')]);
      expect(problems.map((p) => p.code)).toEqual(['folder-missing', 'folder-back']);
      expect(problems[0]?.message).toContain(root);
    });

    it('does not hand files over again when a disconnected drive comes back unchanged', async ({ expect, onTestFinished }) => {
      // The watch path is a link to the "server" folder: removing the link makes the path vanish
      // (like a disconnected mapped drive) while the files stay as they were; relinking brings
      // them back. The folder check runs rarely here, so chokidar sees the files vanish first.
      const temp = tempDirs('ledgerdrop-watch-drive-');
      onTestFinished(() => temp.cleanup());
      const server = temp.make();
      const root = path.join(temp.make(), 'drive');
      writeFileSync(path.join(server, 'old.xml'), 'old');
      await sh(`ln -s ${q(server)} ${q(root)}`);
      const { rec, problems, result } = await started(onTestFinished, { root, reattachIntervalMs: 2000 });
      expect(result.baseline).toEqual([path.join(root, 'old.xml')]);
      await sh(`printf new > new.xml`, root);
      await rec.waitFor(1);
      await sh(`rm ${q(root)}`);
      await until(() => problems.some((p) => p.code === 'folder-missing'), 5000, () => JSON.stringify(problems));
      await sh(`ln -s ${q(server)} ${q(root)}`);
      await until(() => problems.some((p) => p.code === 'folder-back'), 5000, () => JSON.stringify(problems));
      await sh(`printf later > later.xml`, root);
      await rec.waitFor(2);
      await delay(700);
      expect(rec.paths()).toEqual([path.join(root, 'later.xml'), path.join(root, 'new.xml')]);
      expect(problems.map((p) => p.code)).toEqual(['folder-missing', 'folder-back']);
    });

    it.runIf(canBindMount)('does not hand files over again when an unmounted share (an empty mount point) is mounted again', async ({ expect, onTestFinished }) => {
      const temp = tempDirs('ledgerdrop-watch-mount-');
      onTestFinished(() => temp.cleanup());
      const server = temp.make();
      const root = temp.make();
      writeFileSync(path.join(server, 'old.xml'), 'old');
      await sh(`mount --bind ${q(server)} ${q(root)}`);
      onTestFinished(async () => void (await sh(`umount ${q(root)} 2>/dev/null || true`)));
      const { rec, problems, result, watcher } = await started(onTestFinished, { root, rescanIntervalMs: 700 });
      expect(result.baseline).toEqual([path.join(root, 'old.xml')]);
      await sh(`printf new > new.xml`, root);
      await rec.waitFor(1);
      await sh(`umount ${q(root)}`);
      await until(() => problems.filter((p) => p.code === 'folder-back').length === 1, 5000, () => JSON.stringify(problems));
      await delay(800); // a rescan of the empty mount point
      await sh(`mount --bind ${q(server)} ${q(root)}`);
      await until(() => problems.filter((p) => p.code === 'folder-back').length === 2, 5000, () => JSON.stringify(problems));
      await watcher.rescan();
      await delay(800);
      expect(rec.paths()).toEqual([path.join(root, 'new.xml')]);
      expect(problems.map((p) => p.code)).toEqual(['folder-missing', 'folder-back', 'folder-missing', 'folder-back']);
      await watcher.stop();
      await sh(`umount ${q(root)}`);
    });

    it('notices a folder removed and recreated in one go (a new inode), and keeps reporting new files', async ({ expect, onTestFinished }) => {
      const { root, rec, problems } = await started(onTestFinished);
      await sh(`rm -rf ${q(root)} && mkdir ${q(root)}`);
      await until(() => problems.some((p) => p.code === 'folder-back'), 5000, () => JSON.stringify(problems));
      expect(problems.map((p) => p.code)).toEqual(['folder-missing', 'folder-back']);
      await sh(`printf new > new.xml`, root);
      await rec.waitFor(1);
      expect(rec.paths()).toEqual([path.join(root, 'new.xml')]);
    });

    it('takes the baseline when a folder missing at start appears, and watches it from then on', async ({ expect, onTestFinished }) => {
      const temp = tempDirs('ledgerdrop-watch-late-');
      onTestFinished(() => temp.cleanup());
      const root = path.join(temp.make(), 'share');
      const baselines: string[][] = [];
      const { rec, problems, result } = await started(onTestFinished, { root, onBaseline: (paths) => baselines.push(paths) });
      expect(result).toEqual({ baseline: [], attached: false });
      expect(problems.map((p) => p.code)).toEqual(['folder-missing']);
      await sh(`mkdir ${q(root)} && printf there > ${q(path.join(root, 'there.xml'))}`);
      await until(() => baselines.length === 1, 5000);
      expect(baselines).toEqual([[path.join(root, 'there.xml')]]);
      await sh(`printf new > new.xml`, root);
      await rec.waitFor(1);
      await delay(700);
      expect(rec.paths()).toEqual([path.join(root, 'new.xml')]);
      expect(problems.map((p) => p.code)).toEqual(['folder-missing', 'folder-back']);
    });
  });
}
