import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineError, systemErrorCode } from './errors.ts';

export const APP_FOLDER_NAME = 'Ledgerdrop';

/**
 * The OS's application-data folder for Ledgerdrop: the same folder Electron's `app.getPath('userData')`
 * gives the desktop app, so the CLI and the app share one home by default.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
  }
  if (platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
  }
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, APP_FOLDER_NAME);
}

/** `--home` beats `LEDGERDROP_HOME` beats the OS default. */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = option ?? env.LEDGERDROP_HOME;
  return chosen ? resolve(chosen) : defaultHome(env);
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file with that name is in the way',
  ENOENT: 'part of the path does not exist and cannot be created',
};

/**
 * Creates the data folder when needed and proves it is writable by writing, syncing and removing a
 * small probe file. Never touches anything else in the folder.
 */
export function ensureWritableHome(home: string): void {
  // A random name: a probe left by a killed process (pids are reused; in a container the CLI is pid 1)
  // must never make the next start fail.
  const probe = join(home, `.write-probe-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(home, { recursive: true });
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, 'ledgerdrop');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (error) {
    const code = systemErrorCode(error);
    const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
    throw new EngineError(
      'home-unwritable',
      `Cannot write to the data folder ${home}: ${reason}.`,
      { cause: error, fix: 'Choose another folder with --home (or LEDGERDROP_HOME), or give your user write access to it.' },
    );
  }
}

/** Removes write probes left by killed processes; call only while holding the data folder's lock. */
export function removeStaleProbes(home: string): void {
  try {
    for (const name of readdirSync(home)) if (name.startsWith('.write-probe-')) unlinkSync(join(home, name));
  } catch {
    // best effort
  }
}
