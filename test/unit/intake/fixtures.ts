/**
 * Helpers for the watch-folder tests: writers that are real, separate processes (so the watcher
 * sees what it sees in production: another program's open file, its pauses, its close), and a
 * recorder for onFile calls.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

export interface SlowWriteOptions {
  chunks?: number;
  chunkBytes?: number;
  intervalMs?: number;
  /** Stall after this many chunks (default: half way). */
  stallAfter?: number;
  /** How long the stall lasts (default 0: no stall). */
  stallMs?: number;
}

export interface WriterResult {
  sha256: string;
  size: number;
  /** Date.now() in the writer right after close(). */
  closedAt: number;
}

/**
 * Child node process that writes `file` chunk by chunk (random bytes), holding it open the whole
 * time, and reports the SHA-256 of what it wrote and when it closed the file.
 */
const SLOW_WRITER = `
const fs = require('node:fs');
const { createHash, randomBytes } = require('node:crypto');
const [file, chunks, chunkBytes, intervalMs, stallAfter, stallMs] = process.argv.slice(1);
const fd = fs.openSync(file, 'w');
const hash = createHash('sha256');
let written = 0, size = 0;
function next() {
  if (written === Number(chunks)) {
    fs.closeSync(fd);
    process.stdout.write(JSON.stringify({ sha256: hash.digest('hex'), size, closedAt: Date.now() }));
    return;
  }
  const bytes = randomBytes(Number(chunkBytes));
  fs.writeSync(fd, bytes);
  hash.update(bytes);
  size += bytes.length;
  written++;
  setTimeout(next, written === Number(stallAfter) ? Number(stallMs) : Number(intervalMs));
}
next();
`;

export function slowWrite(file: string, options: SlowWriteOptions = {}): Promise<WriterResult> {
  const chunks = options.chunks ?? 40;
  const args = [
    '-e',
    SLOW_WRITER,
    file,
    String(chunks),
    String(options.chunkBytes ?? 64 * 1024),
    String(options.intervalMs ?? 50),
    String(options.stallAfter ?? Math.floor(chunks / 2)),
    String(options.stallMs ?? 0),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer exited with ${code}: ${err}`));
      else resolve(JSON.parse(out) as WriterResult);
    });
  });
}

/** Runs a shell command line in a child process; resolves with the time it exited. */
export function sh(command: string, cwd?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`sh -c ${command} exited with ${code}: ${err}`))));
  });
}

/** Single-quoted for /bin/sh. */
export function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export interface Delivery {
  path: string;
  at: number;
  sha256: string;
  size: number;
  trigger: string;
}

/** An onFile that records each call with the SHA-256 of the file's bytes at that moment. */
export function recorder(): {
  deliveries: Delivery[];
  onFile: (file: string, info: { trigger: string }) => Promise<void>;
  paths(): string[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
} {
  const deliveries: Delivery[] = [];
  return {
    deliveries,
    async onFile(file, info) {
      const at = Date.now();
      const bytes = await readFile(file);
      deliveries.push({ path: file, at, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, trigger: info.trigger });
    },
    paths: () => deliveries.map((d) => d.path).sort(),
    async waitFor(count, timeoutMs = 10_000) {
      await until(() => deliveries.length >= count, timeoutMs, () => `expected ${count} deliveries, got ${deliveries.length}: ${deliveries.map((d) => d.path).join(', ')}`);
    },
  };
}

export async function until(condition: () => boolean, timeoutMs = 10_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${describe()}`);
    await delay(20);
  }
}
