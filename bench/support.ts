import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Runs a command pinned to one CPU core (taskset) and returns its wall time in seconds. */
export function timeOnOneCore(command: string, args: string[], options: { cwd?: string; input?: string } = {}): { seconds: number; stdout: string } {
  const pinned = hasTaskset() ? ['taskset', ['-c', '0', command, ...args]] as const : [command, args] as const;
  const start = process.hrtime.bigint();
  const result = spawnSync(pinned[0], pinned[1], { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(0, 500)}`);
  return { seconds, stdout: result.stdout };
}

let taskset: boolean | undefined;
function hasTaskset(): boolean {
  if (taskset === undefined) {
    try {
      execFileSync('taskset', ['-c', '0', 'true']);
      taskset = true;
    } catch {
      taskset = false;
    }
  }
  return taskset;
}

export function machine(): string {
  return `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.versions.node}${hasTaskset() ? ', pinned to core 0' : ', NOT pinned (no taskset)'}`;
}

export function saveResult(name: string, result: unknown): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
