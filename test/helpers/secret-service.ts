import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, type ManagedProcess } from './process.ts';

const run = promisify(execFile);

/**
 * A real Secret Service for tests: a private D-Bus session bus plus gnome-keyring-daemon with an
 * unlocked "login" collection, both in a temp folder and stopped by PID (and killed with the test
 * process if a test forgets). Nothing touches the machine's own keyring. `env` is what a child
 * process needs to reach it.
 */
export interface SecretService {
  env: { DBUS_SESSION_BUS_ADDRESS: string; XDG_DATA_HOME: string; XDG_CACHE_HOME: string; XDG_CONFIG_HOME: string; XDG_RUNTIME_DIR: string };
  /** Looks an item up with libsecret's own `secret-tool`, independent of our code. */
  lookup(attributes: Record<string, string>): Promise<string | null>;
  /** The account names (`username` attribute) of every item stored for a service. */
  accounts(service: string): Promise<string[]>;
  /** Locks the login collection, as the desktop does after a screen lock or timeout. */
  lock(): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, server: ManagedProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (server.exitInfo()) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}: ${server.diagnostics(1000)}`);
}

export async function startSecretService(): Promise<SecretService> {
  const root = mkdtempSync(join(tmpdir(), 'ld-secret-service-'));
  const env = {
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(root, 'bus')}`,
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_RUNTIME_DIR: join(root, 'run'),
  };
  for (const dir of [env.XDG_DATA_HOME, env.XDG_CACHE_HOME, env.XDG_CONFIG_HOME]) mkdirSync(dir, { recursive: true });
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  const childEnv = { ...process.env, ...env };

  const servers: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const server of servers.reverse()) await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
  const dbusSend = (...args: string[]) => run('dbus-send', ['--session', '--print-reply', ...args], { env: childEnv });
  try {
    const bus = await startProcess({ name: 'dbus-daemon', command: 'dbus-daemon', args: ['--session', '--nofork', `--address=${env.DBUS_SESSION_BUS_ADDRESS}`], env: childEnv });
    servers.push(bus);
    await waitFor(async () => (await dbusSend('--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'), true), 'the D-Bus session bus', bus);
    const keyring = await startProcess({
      name: 'gnome-keyring-daemon',
      command: 'gnome-keyring-daemon',
      args: ['--foreground', '--unlock', '--components=secrets'],
      env: childEnv,
      input: 'ledgerdrop-test-keyring',
    });
    servers.push(keyring);
    await waitFor(async () => {
      const { stdout } = await dbusSend('--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets');
      return stdout.includes('true');
    }, 'gnome-keyring-daemon on the bus', keyring);
  } catch (error) {
    await stopAll();
    throw new Error(`Cannot start a Secret Service for tests (${(error as Error).message}). Run scripts/test-env.sh to install dbus and gnome-keyring.`, { cause: error });
  }

  return {
    env,
    async lookup(attributes) {
      const args = ['lookup', ...Object.entries(attributes).flat()];
      try {
        const { stdout } = await run('secret-tool', args, { env: childEnv });
        return stdout;
      } catch {
        return null;
      }
    },
    async accounts(serviceName) {
      const { stdout, stderr } = await run('secret-tool', ['search', '--all', 'service', serviceName], { env: childEnv });
      return [...`${stdout}\n${stderr}`.matchAll(/^attribute\.username = (.*)$/gm)].map((m) => m[1] ?? '');
    },
    async lock() {
      await dbusSend('--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login');
    },
    stop: stopAll,
  };
}
