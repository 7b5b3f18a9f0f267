/**
 * The local account `ledgerdrop-test` that the SFTP (sshd) and FTP (vsftpd) test servers log in as.
 * scripts/test-env.sh creates it; the servers set its password with chpasswd when they start.
 *
 * Password sharing: several servers may use the account at once (e.g. sshd and vsftpd in two test
 * files running in parallel), and a new password would lock the others out. So the password is
 * leased: the first server to start while no live process holds a lease sets a fresh random password;
 * servers that start while another live process holds a lease reuse it. Leases live in
 * /run/ledgerdrop-test/password.json (root only) and leases of dead processes are ignored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isPidAlive, runCommand, runCommandSync } from './process.ts';

export const TEST_USER = 'ledgerdrop-test';

const STATE_DIR = '/run/ledgerdrop-test';
const STATE_FILE = path.join(STATE_DIR, 'password.json');
const LOCK_FILE = path.join(STATE_DIR, 'password.lock');

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

let cachedUser: TestUser | null = null;

/** The test account's passwd entry; throws with a hint to run scripts/test-env.sh when it is missing or we are not root. */
export function getTestUser(): TestUser {
  if (cachedUser) return cachedUser;
  if (process.getuid?.() !== 0) {
    throw new Error(`The SFTP/FTP test servers must run as root (they start sshd/vsftpd and set ${TEST_USER}'s password).`);
  }
  let line: string;
  try {
    line = runCommandSync('getent', ['passwd', TEST_USER]).trim();
  } catch (error) {
    throw new Error(`The test account ${TEST_USER} does not exist: run scripts/test-env.sh as root first.`, { cause: error });
  }
  const [name, , uid, gid, , home, shell] = line.split(':');
  if (!name || !uid || !gid || !home || !shell) throw new Error(`Unexpected passwd entry for ${TEST_USER}: ${line}`);
  cachedUser = { name, uid: Number(uid), gid: Number(gid), home, shell };
  return cachedUser;
}

interface Lease {
  pid: number;
  id: string;
}

interface PasswordState {
  password: string;
  leases: Lease[];
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: number;
      try {
        holder = Number(readFileSync(LOCK_FILE, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      if (holder > 0 && !isPidAlive(holder)) {
        try {
          unlinkSync(LOCK_FILE); // stale: its holder died
        } catch {
          // somebody else removed it
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${LOCK_FILE} is held by pid ${holder} for more than 15 s`, { cause: error });
      await delay(20);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(LOCK_FILE);
    } catch {
      // ignore
    }
  }
}

async function readState(): Promise<PasswordState | null> {
  try {
    const parsed = JSON.parse(await readFile(STATE_FILE, 'utf8')) as PasswordState;
    if (typeof parsed.password !== 'string' || !Array.isArray(parsed.leases)) return null;
    return parsed;
  } catch {
    return null;
  }
}

async function writeState(state: PasswordState): Promise<void> {
  const tmp = `${STATE_FILE}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, STATE_FILE);
}

/** A random password without ':' (chpasswd's separator) or shell-special characters. */
export function randomPassword(): string {
  return `Ld-${randomBytes(18).toString('base64url')}`;
}

export interface PasswordLease {
  password: string;
  /** True when this lease set a new password (no other live server held one). */
  fresh: boolean;
  release(): Promise<void>;
}

/** Sets (or, while other live servers use the account, reuses) the test account's password. */
export async function leaseTestUserPassword(): Promise<PasswordLease> {
  const user = getTestUser();
  const id = randomUUID();
  const { password, fresh } = await withLock(async () => {
    const state = await readState();
    const live = (state?.leases ?? []).filter((lease) => isPidAlive(lease.pid));
    if (state && live.length > 0) {
      await writeState({ password: state.password, leases: [...live, { pid: process.pid, id }] });
      return { password: state.password, fresh: false };
    }
    const newPassword = randomPassword();
    await runCommand('chpasswd', [], { input: `${user.name}:${newPassword}\n` });
    await writeState({ password: newPassword, leases: [{ pid: process.pid, id }] });
    return { password: newPassword, fresh: true };
  });
  let released = false;
  return {
    password,
    fresh,
    async release() {
      if (released) return;
      released = true;
      await withLock(async () => {
        const state = await readState();
        if (!state) return;
        await writeState({ password: state.password, leases: state.leases.filter((lease) => lease.id !== id && isPidAlive(lease.pid)) });
      });
    },
  };
}

let swept = false;
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Upload dirs are removed by the servers' stop(); this catches those of killed test runs (older than a day). */
async function sweepStaleUploadDirs(home: string): Promise<void> {
  const entries = await readdir(home, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !/^(sftp|ftp|upload)-[A-Za-z0-9]{6}$/.test(entry.name)) continue;
    const dir = path.join(home, entry.name);
    const info = await stat(dir).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_AFTER_MS) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A new empty directory (mode 0755) owned by the test account, inside `parent` (default: its home,
 * the upload root of the SFTP/FTP servers). Returns the absolute path.
 */
export async function makeTestUserDir(prefix = 'upload-', parent?: string): Promise<string> {
  const user = getTestUser();
  if (!swept) {
    swept = true;
    await sweepStaleUploadDirs(user.home);
  }
  const base = parent ?? user.home;
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, prefix));
  await chown(dir, user.uid, user.gid);
  await chmod(dir, 0o755);
  return dir;
}

/** Removes directories made by makeTestUserDir (refuses anything outside the test account's home). */
export async function removeTestUserDirs(dirs: Iterable<string>): Promise<void> {
  const home = `${getTestUser().home}${path.sep}`;
  for (const dir of dirs) {
    if (!path.resolve(dir).startsWith(home)) throw new Error(`refusing to remove ${dir}: not inside ${home}`);
    await rm(dir, { recursive: true, force: true });
  }
}
