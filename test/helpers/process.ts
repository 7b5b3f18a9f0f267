/**
 * Real server processes for integration tests: spawn, wait until the port answers, stop by PID.
 *
 * Every process started here is registered and killed (SIGKILL: its process group and every
 * descendant, i.e. per-connection sessions too) when the test process exits or gets
 * SIGINT/SIGTERM/SIGHUP, even if a test forgets to stop it. On Linux the server also runs under
 * `setpriv --pdeathsig SIGKILL`, so the listener dies even if the test process is SIGKILLed (its open
 * sessions then end when their clients' sockets close).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const OUTPUT_LIMIT = 64 * 1024;
const SETPRIV = '/usr/bin/setpriv';

export interface StartProcessOptions {
  /** Shown in errors, e.g. "sshd". */
  name: string;
  command: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** When set, startProcess resolves only once host:port accepts TCP connections. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long to wait for the port. Default 15 s. */
  readyTimeoutMs?: number;
  /** Log files whose tails are added to error messages (besides the process's stdout/stderr). */
  logFiles?: readonly string[];
  /** Run under `setpriv --pdeathsig SIGKILL` (Linux, default true when setpriv exists). */
  killWithParent?: boolean;
  /** Written to the process's standard input, which is then closed (default: no stdin). */
  input?: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (and has been reaped). */
  readonly exited: Promise<ExitInfo>;
  /** The exit status once exited, else null. */
  exitInfo(): ExitInfo | null;
  /** The last 64 KB of stdout+stderr. */
  output(): string;
  /** stdout/stderr tail plus the tails of the log files, for error messages. */
  diagnostics(maxChars?: number): string;
  /**
   * SIGTERM to the process, its group and all descendants (per-connection sessions), SIGKILL after
   * `graceMs` (default 3 s). Resolves once the PID is gone (reaped) and no descendant runs any more.
   */
  stop(graceMs?: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Registry: everything still running at exit is killed.

const running = new Map<number, ManagedProcess>();
const exitCleanups = new Set<() => void>();
let hooksInstalled = false;

function killGroupSync(pid: number, signal: NodeJS.Signals, includeLeader = true): void {
  for (const target of includeLeader ? [-pid, pid] : [-pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  /** Start time (clock ticks since boot): tells a PID apart from a later process that reuses it. */
  start: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime ..."
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]), start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/**
 * All descendants of `pid` (children, grandchildren …) from /proc; empty where there is no /proc.
 * sshd and vsftpd put each connection into its own session (setsid), so a process-group kill misses
 * them: they have to be found through the parent chain while the listener is still alive.
 */
export function descendantProcesses(pid: number): ProcInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map<number, ProcInfo[]>();
  for (const name of entries) {
    const info = readProc(Number(name));
    if (!info) continue;
    const list = children.get(info.ppid) ?? [];
    list.push(info);
    children.set(info.ppid, list);
  }
  const result: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      result.push(child);
      queue.push(child.pid);
    }
  }
  return result;
}

/** True unless the process is gone, a zombie, or its PID now belongs to a different process. */
function stillRunning(info: ProcInfo): boolean {
  const now = readProc(info.pid);
  return now !== null && now.start === info.start && now.state !== 'Z' && now.state !== 'X';
}

function signalProcesses(processes: readonly ProcInfo[], signal: NodeJS.Signals): void {
  for (const info of processes) {
    if (!stillRunning(info)) continue;
    try {
      process.kill(info.pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** SIGKILL a registered server, its process group and all its descendants (sync, for exit handlers). */
function killFamilySync(pid: number): void {
  const family = descendantProcesses(pid);
  killGroupSync(pid, 'SIGKILL');
  signalProcesses(family, 'SIGKILL');
}

/** SIGKILLs every registered process group and runs the registered sync cleanups. Idempotent. */
export function killAllRegistered(): void {
  for (const pid of running.keys()) killFamilySync(pid);
  running.clear();
  for (const cleanup of [...exitCleanups]) {
    exitCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort at exit
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAllRegistered();
  // If nobody else handles the signal, restore the default behaviour (terminate with that signal).
  if (process.listenerCount(signal) === 1) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllRegistered);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/**
 * Registers a synchronous cleanup (e.g. removing a temp dir) to run at process exit if nobody ran it
 * before. Returns a function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  installHooks();
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
  };
}

/** Removes `dir` recursively now and makes sure it is removed at exit if this is never called. */
export function tempDirCleanup(dir: string): () => void {
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const unregister = registerExitCleanup(remove);
  return () => {
    unregister();
    remove();
  };
}

const OWNER_FILE = '.owner-pid';

/**
 * mkdtemp under os.tmpdir() that is removed by the returned cleanup, or at exit if nobody calls it.
 * Directories with the same prefix left behind by dead processes (SIGKILLed test runs) are swept first.
 */
export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => void }> {
  const base = os.tmpdir();
  for (const entry of await readdir(base).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const owner = Number(await readFile(path.join(base, entry, OWNER_FILE), 'utf8').catch(() => '0'));
    if (owner > 0 && owner !== process.pid && !isPidAlive(owner)) {
      await rm(path.join(base, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  const dir = await mkdtemp(path.join(base, prefix));
  await writeFile(path.join(dir, OWNER_FILE), String(process.pid));
  return { dir, cleanup: tempDirCleanup(dir) };
}

/** PIDs of the processes started by this module that are still running. */
export function registeredPids(): number[] {
  return [...running.keys()];
}

// ---------------------------------------------------------------------------------------------

/** True while a process with this PID exists (zombies count as existing). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process exists and is not a zombie (a killed orphan may stay a zombie until init reaps it). */
export function isPidRunning(pid: number): boolean {
  const info = readProc(pid);
  if (info === null) return process.platform === 'linux' ? false : isPidAlive(pid);
  return info.state !== 'Z' && info.state !== 'X';
}

/** The last `maxChars` characters of `text`, prefixed with "…" when cut. */
export function tail(text: string, maxChars = 4000): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}

function readTail(file: string, maxChars: number): string {
  try {
    return tail(readFileSync(file, 'utf8'), maxChars);
  } catch (error) {
    return `(cannot read: ${(error as Error).message})`;
  }
}

function canUseSetpriv(): boolean {
  return process.platform === 'linux' && existsSync(SETPRIV);
}

/** Starts a long-running server process and (when `port` is given) waits until it accepts connections. */
export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  installHooks();
  const args = [...(options.args ?? [])];
  const wrap = (options.killWithParent ?? true) && canUseSetpriv();
  const command = wrap ? SETPRIV : options.command;
  const argv = wrap ? ['--pdeathsig', 'SIGKILL', '--', options.command, ...args] : args;

  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // Own process group, signalled as a whole by stop() and the exit handlers. (Ctrl-C on a terminal
    // reaches only the test process, whose SIGINT handler then kills the servers.)
    detached: true,
  };
  const child = spawn(command, argv, spawnOptions);
  if (options.input !== undefined) child.stdin?.end(options.input);

  let outputText = '';
  const append = (chunk: Buffer): void => {
    outputText += chunk.toString('utf8');
    if (outputText.length > OUTPUT_LIMIT * 2) outputText = outputText.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exit: ExitInfo | null = null;
  let spawnError: Error | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });

  await new Promise<void>((resolve) => {
    child.once('spawn', resolve);
    child.once('error', () => resolve());
  });
  if (spawnError !== null || child.pid === undefined) {
    throw new Error(`${options.name}: cannot start ${options.command}: ${(spawnError as Error | null)?.message ?? 'no pid'}`);
  }
  const pid = child.pid;

  // A forgotten server must not keep the test process alive; the registry kills it at exit.
  child.unref();
  (child.stdout as net.Socket | null)?.unref?.();
  (child.stderr as net.Socket | null)?.unref?.();

  const managed: ManagedProcess = {
    name: options.name,
    pid,
    child,
    exited,
    exitInfo: () => exit,
    output: () => tail(outputText, OUTPUT_LIMIT),
    diagnostics(maxChars = 4000) {
      const parts = [`--- ${options.name} (pid ${pid}) stdout/stderr ---\n${tail(outputText, maxChars) || '(empty)'}`];
      for (const file of options.logFiles ?? []) parts.push(`--- ${file} ---\n${readTail(file, maxChars) || '(empty)'}`);
      return parts.join('\n');
    },
    async stop(graceMs = 3000) {
      let family: ProcInfo[] = [];
      if (exit === null) {
        // Snapshot the per-connection processes while the parent chain still leads to them.
        family = descendantProcesses(pid);
        killGroupSync(pid, 'SIGTERM');
        signalProcesses(family, 'SIGTERM');
        const timer = setTimeout(() => {
          family = [...family, ...descendantProcesses(pid)];
          killGroupSync(pid, 'SIGKILL');
          signalProcesses(family, 'SIGKILL');
        }, graceMs);
        try {
          await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      // Whatever survived the listener (connections in their own session or process group) is killed now.
      // (The leader is reaped, so only its group is signalled: its PID could be reused.)
      killGroupSync(pid, 'SIGKILL', false);
      signalProcesses(family, 'SIGKILL');
      const deadline = Date.now() + 5000;
      while (family.some(stillRunning) && Date.now() < deadline) await delay(10);
      running.delete(pid);
    },
  };
  running.set(pid, managed);
  void exited.then(() => {
    if (running.get(pid) === managed) running.delete(pid);
  });

  if (options.port !== undefined) {
    try {
      await waitForPort(options.port, {
        host: options.host,
        timeoutMs: options.readyTimeoutMs ?? 15_000,
        process: managed,
      });
    } catch (error) {
      await managed.stop(500);
      throw error;
    }
  }
  return managed;
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  host?: string | undefined;
  timeoutMs?: number | undefined;
  /** Fail at once (with its output) if this process exits while we wait. */
  process?: ManagedProcess | undefined;
}

/** Resolves once host:port accepts a TCP connection; rejects on timeout or when `process` exits. */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const proc = options.process;
  const started = Date.now();
  for (;;) {
    const exitedEarly = proc?.exitInfo();
    if (proc && exitedEarly) {
      throw new Error(
        `${proc.name} exited (code ${exitedEarly.code}, signal ${exitedEarly.signal}) before ${host}:${port} accepted connections\n${proc.diagnostics()}`,
      );
    }
    if (await tryConnect(host, port)) return;
    if (Date.now() - started > timeoutMs) {
      const what = proc ? `${proc.name} (pid ${proc.pid})` : 'server';
      throw new Error(`${what} did not accept connections on ${host}:${port} within ${timeoutMs} ms${proc ? `\n${proc.diagnostics()}` : ''}`);
    }
    await delay(50);
  }
}

/**
 * Stops a PID that may not be our child (e.g. read from a pid file): SIGTERM, then SIGKILL after
 * `graceMs`; resolves once the PID no longer exists. Prefer ManagedProcess.stop() for our own children.
 */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  const managed = running.get(pid);
  if (managed) return managed.stop(graceMs);
  if (!isPidAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const started = Date.now();
  let killed = false;
  while (isPidAlive(pid)) {
    if (!killed && Date.now() - started > graceMs) {
      killed = true;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
    }
    if (Date.now() - started > graceMs + 10_000) throw new Error(`stopPid: ${pid} still exists (not our child, maybe a zombie)`);
    await delay(25);
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Do not throw on a non-zero exit. */
  allowFailure?: boolean;
}

/** Runs a short command to completion (ssh-keygen, openssl, chpasswd …); throws with its stderr on failure. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if ((code !== 0 || signal) && !options.allowFailure) {
        reject(new Error(`${command} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${tail(stderr || stdout)}`));
      } else {
        resolve({ stdout, stderr, code });
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Synchronous variant of runCommand for tiny look-ups. */
export function runCommandSync(command: string, args: readonly string[], input?: string): string {
  const result = spawnSync(command, [...args], { input, encoding: 'utf8' });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (code ${result.status}):\n${tail(result.stderr || result.stdout)}`);
  return result.stdout;
}
