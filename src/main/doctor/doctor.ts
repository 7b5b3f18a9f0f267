import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DoctorCheck, DoctorReport } from '../../shared/contract.ts';
import { EngineError } from '../engine/errors.ts';
import { ensureWritableHome } from '../engine/home.ts';
import { MINIMUM_NODE_MAJOR } from '../engine/version.ts';
import { DATABASE_FILE } from '../engine/paths.ts';
import { inspectDatabase } from '../store/database.ts';
import type { SecretStore } from '../secrets/secret-store.ts';

export interface DoctorOptions {
  home: string;
  /** Makes a store in a throw-away namespace; the probe writes, reads back and deletes one item. */
  probeStore: (namespace: string) => SecretStore;
  nodeVersion?: string;
}

/** A failed check: what happened as the detail, and the error's own remedy when it has one. */
function failed(id: DoctorCheck['id'], error: unknown, fallbackFix: string, prefix = ''): DoctorCheck {
  if (error instanceof EngineError) return { id, ok: false, detail: `${prefix}${error.problem}`, fix: error.fix ?? fallbackFix };
  return { id, ok: false, detail: `${prefix}${error instanceof Error ? error.message : String(error)}`, fix: fallbackFix };
}

export function checkNode(version = process.versions.node): DoctorCheck {
  const major = Number.parseInt(version.split('.')[0] ?? '0', 10);
  const ok = major >= MINIMUM_NODE_MAJOR;
  return {
    id: 'node',
    ok,
    detail: `Node ${version}`,
    fix: ok ? null : `Ledgerdrop needs Node ${MINIMUM_NODE_MAJOR} or newer (the Node inside Electron 45). Install Node ${MINIMUM_NODE_MAJOR}.`,
  };
}

export function checkHome(home: string): DoctorCheck {
  try {
    ensureWritableHome(home);
    return { id: 'home', ok: true, detail: `Data folder ${home} is writable`, fix: null };
  } catch (error) {
    return failed('home', error, 'Choose another folder with --home (or LEDGERDROP_HOME), or give your user write access to this one.');
  }
}

export function checkDatabase(home: string): DoctorCheck {
  const path = join(home, DATABASE_FILE);
  try {
    const health = inspectDatabase(path);
    if (!health.exists) return { id: 'database', ok: true, detail: `No database yet at ${path}; it is created on first start`, fix: null };
    if (health.schemaVersion > health.latestSchemaVersion) {
      return {
        id: 'database',
        ok: false,
        detail: `Database ${path} has schema ${health.schemaVersion}, newer than this Ledgerdrop knows (${health.latestSchemaVersion})`,
        fix: 'Update Ledgerdrop to the version that wrote this database.',
      };
    }
    return { id: 'database', ok: true, detail: `Database ${path} opens and passes its integrity check (schema ${health.schemaVersion})`, fix: null };
  } catch (error) {
    return failed('database', error, 'Restore the database from a backup, or move it aside so Ledgerdrop starts with an empty one. Ledgerdrop never deletes it.');
  }
}

export async function checkKeychain(probeStore: DoctorOptions['probeStore']): Promise<DoctorCheck> {
  const store = probeStore(`doctor-probe-${randomUUID()}`);
  const name = 'probe';
  try {
    const value = randomUUID();
    await store.set(name, value);
    const back = await store.get(name);
    await store.delete(name);
    if (back !== value) throw new Error('the keychain did not return what was stored');
    return { id: 'keychain', ok: true, detail: `Keychain reachable (${store.backend})`, fix: null };
  } catch (error) {
    return failed('keychain', error, 'Until a keychain is available Ledgerdrop refuses to store passwords, keys and sign-in tokens.', 'Keychain not usable: ');
  }
}

/** Runs every check; never throws. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [checkNode(options.nodeVersion), checkHome(options.home)];
  checks.push(checks[1]?.ok ? checkDatabase(options.home) : { id: 'database', ok: false, detail: 'Not checked: the data folder is not writable', fix: 'Fix the data folder first.' });
  checks.push(await checkKeychain(options.probeStore));
  return { ok: checks.every((c) => c.ok), home: options.home, checks };
}
