/**
 * Small tmpfs mounts for full-disk and read-only-drive tests (root on Linux only). `tmpfsProblem()`
 * says why mounting is not possible here (tests then skip with that reason); mounts are undone after
 * each test and at exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerExitCleanup } from './process.ts';

export function tmpfsProblem(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  const dir = mkdtempSync(join(tmpdir(), 'ledgerdrop-tmpfs-probe-'));
  try {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.error || mounted.status !== 0) return `mount -t tmpfs failed: ${mounted.error?.message ?? mounted.stderr.trim()}`;
    spawnSync('umount', [dir]);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mounts: string[] = [];
registerExitCleanup(unmountAll);

export function mountTmpfs(dir: string, options: string): void {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount -o ${options} ${dir} failed: ${result.stderr}`);
  mounts.push(dir);
}

export function remount(dir: string, options: string): void {
  const result = spawnSync('mount', ['-o', `remount,${options}`, dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`remount ${options} ${dir} failed: ${result.stderr}`);
}

/** Unmounts everything mounted here (lazily, so a busy mount never hangs a test). */
export function unmountAll(): void {
  for (const dir of mounts.splice(0).reverse()) spawnSync('umount', ['-l', dir]);
}
