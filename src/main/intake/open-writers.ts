/**
 * Linux only: which of some files another process still holds open for writing, read from /proc.
 *
 * POSIX has no mandatory locks, so "an exclusive open succeeds" proves nothing there: a writer that
 * stalls longer than the stability window (a scanner, a slow copy over the network, a program that
 * keeps its output open) looks finished by size and mtime alone (facts/feasibility.md §7). On Linux
 * the kernel tells us who has a file open: /proc/<pid>/fd/<n> links to the file and
 * /proc/<pid>/fdinfo/<n> gives the open flags (O_WRONLY or O_RDWR means "writing").
 *
 * Cost: one readlink per open file descriptor on the machine, about 5 µs each (measured: 260 fds
 * in 8–20 ms; 19,000 fds in 90–140 ms synchronously, 240–330 ms asynchronously). So the sweep is
 * asynchronous (never blocks the event loop), runs with bounded parallelism, and is shared: every
 * query made while a sweep is pending or running is answered by the next single sweep, so a burst
 * of 500 files costs one or two sweeps, not 500.
 *
 * Limits: only processes we may inspect are seen (our own user's; all of them as root). A writer on
 * another machine (SMB/NFS client) or in another user's process is invisible; the stability window
 * is the only guard there. Elsewhere than Linux this module answers "nobody" (supported() is false).
 */
import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { inParallel } from '../engine/in-parallel.ts';

export interface OpenWriter {
  pid: number;
  /** The program name (argv[0] without its folder, else /proc/<pid>/comm), '' when unknown. */
  command: string;
}

const PARALLEL = 64;

export function openWriterCheckSupported(): boolean {
  return process.platform === 'linux';
}


/** O_ACCMODE bits of the octal `flags:` line of /proc/<pid>/fdinfo/<fd>: 1 = O_WRONLY, 2 = O_RDWR. */
function writesFromFdinfo(text: string): boolean {
  const match = /^flags:\s*([0-7]+)/m.exec(text);
  if (!match?.[1]) return false;
  return (Number.parseInt(match[1], 8) & 3) !== 0;
}

/** The program's name: argv[0] without its folder, else the thread name from /proc/<pid>/comm. */
async function commandOf(pid: string): Promise<string> {
  const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
  if (argv0 !== '') return argv0.split('/').pop() ?? argv0;
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
}

/** A file asked about: matched by name first (cheap), then by device + inode (exact). */
interface Wanted {
  /** dev:ino */
  id: string;
  /** The base names it goes by: the path asked about, and its real path (through symlinks). */
  names: string[];
}

function fileId(info: { dev: bigint; ino: bigint }): string {
  return `${info.dev}:${info.ino}`;
}

/**
 * One pass over /proc: for each wanted file (by dev:ino), the processes that have it open for
 * writing. An fd is looked at closely only when its link ends with a wanted file name; the
 * device + inode check then makes bind mounts, symlinked folders and other paths to the same file
 * match, and nothing else.
 */
async function sweep(wanted: readonly Wanted[]): Promise<Map<string, OpenWriter[]>> {
  const found = new Map<string, OpenWriter[]>();
  const names = new Set(wanted.flatMap((file) => file.names));
  const ids = new Set(wanted.map((file) => file.id));
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  await inParallel(pids, PARALLEL, async (pid) => {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      return; // another user's process, a kernel thread, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!names.has(path.basename(target.replace(/ \(deleted\)$/, '')))) continue;
      const opened = await stat(`/proc/${pid}/fd/${fd}`, { bigint: true }).catch(() => null);
      if (opened === null || !ids.has(fileId(opened))) continue;
      const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
      if (!writesFromFdinfo(info)) continue;
      const command = await commandOf(pid);
      const id = fileId(opened);
      const list = found.get(id) ?? [];
      if (!list.some((writer) => writer.pid === Number(pid))) list.push({ pid: Number(pid), command });
      found.set(id, list);
    }
  });
  return found;
}

interface Query extends Wanted {
  resolve: (writers: OpenWriter[]) => void;
}

let waiting: Query[] = [];
let running = false;

async function drain(): Promise<void> {
  running = true;
  try {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      let result = new Map<string, OpenWriter[]>();
      try {
        result = await sweep(batch);
      } catch {
        // unexpected: answer "nobody" rather than block readiness forever
      }
      for (const query of batch) query.resolve(result.get(query.id) ?? []);
    }
  } finally {
    running = false;
  }
}

/**
 * The processes that hold `file` open for writing (Linux; `[]` elsewhere, and when the file is
 * gone). Any path to the file will do: it is matched by device and inode (`known`: from a stat the
 * caller just made, saving one).
 */
export async function openWriters(file: string, known?: { dev: bigint; ino: bigint }): Promise<OpenWriter[]> {
  if (!openWriterCheckSupported()) return [];
  const info = known ?? (await stat(file, { bigint: true }).catch(() => null));
  if (info === null) return [];
  const real = await realpath(file).catch(() => file);
  const names = [...new Set([path.basename(file), path.basename(real)])];
  return new Promise((resolve) => {
    waiting.push({ id: fileId(info), names, resolve });
    // Let every check that becomes due in this turn of the event loop join the same sweep.
    if (!running) {
      running = true;
      setImmediate(() => void drain());
    }
  });
}
