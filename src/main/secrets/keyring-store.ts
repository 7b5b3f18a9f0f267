import { AsyncEntry } from '@napi-rs/keyring';
import { EngineError, firstLine } from '../engine/errors.ts';
import type { SecretStore } from './secret-store.ts';

export const KEYCHAIN_SERVICE = 'Ledgerdrop';

export function keychainBackendName(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'macOS Keychain';
    case 'win32':
      return 'Windows Credential Manager';
    default:
      return 'Secret Service';
  }
}

const HOW_TO_FIX: Partial<Record<NodeJS.Platform, string>> = {
  linux:
    'Log in to a desktop session with a keyring (GNOME Keyring or KWallet), or on a server start one: dbus-run-session -- sh -c "gnome-keyring-daemon --unlock --components=secrets; ledgerdrop …".',
  darwin: 'Open Keychain Access and check that your login keychain exists and is unlocked.',
  win32: 'Check that the Credential Manager service is running (services.msc → Credential Manager).',
};

/**
 * Secrets in the OS keychain through @napi-rs/keyring. Items are stored under the service
 * "Ledgerdrop" with the account `<namespace>/<name>`, where the namespace is the data folder's
 * installation id, so two data folders on one machine never see each other's secrets.
 * On Linux the Secret Service is pinned: the library would otherwise fall back to the kernel
 * keyring, which does not survive a reboot.
 */
export class KeyringSecretStore implements SecretStore {
  readonly backend: string;
  private readonly namespace: string;
  private readonly platform: NodeJS.Platform;

  constructor(namespace: string, platform: NodeJS.Platform = process.platform) {
    this.namespace = namespace;
    this.platform = platform;
    this.backend = keychainBackendName(platform);
  }

  /** The keychain account an item is stored under (for diagnostics and tests). */
  account(name: string): string {
    return `${this.namespace}/${name}`;
  }

  async set(name: string, value: string): Promise<void> {
    await this.call(async () => (await this.entry(name)).setPassword(value));
  }

  async get(name: string): Promise<string | null> {
    return this.call(async () => (await (await this.entry(name)).getPassword()) ?? null);
  }

  async delete(name: string): Promise<boolean> {
    return this.call(async () => (await this.entry(name)).deleteCredential());
  }

  async has(name: string): Promise<boolean> {
    return (await this.get(name)) !== null;
  }

  /**
   * Entries are kept: creating one blocks the thread while it sets up its keychain session (tens of
   * milliseconds with the Secret Service), which every SFTP or FTP session would otherwise pay for
   * each of its secrets. An entry is a handle, it holds no secret value.
   */
  private readonly entries = new Map<string, AsyncEntry>();

  private async entry(name: string): Promise<AsyncEntry> {
    let entry = this.entries.get(name);
    if (!entry) {
      const options = this.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
      entry = new AsyncEntry(KEYCHAIN_SERVICE, this.account(name), options);
      this.entries.set(name, entry);
    }
    return entry;
  }

  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): EngineError {
    const raw = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
    const fix = HOW_TO_FIX[this.platform] ?? HOW_TO_FIX.linux!;
    if (/prompt was dismissed|is locked|locked collection|user interaction is not allowed/i.test(raw)) {
      return new EngineError('keychain-locked', `The ${this.backend} is locked, so Ledgerdrop cannot store or read passwords.`, { cause: error, fix: 'Unlock your keychain and try again.' });
    }
    if (/no result found|collection.*does not exist|Object does not exist/i.test(raw)) {
      return new EngineError(
        'keychain-locked',
        `The ${this.backend} has no unlocked default keyring ("login").`,
        { cause: error, fix: 'Unlock or create it in your keyring manager and try again.' },
      );
    }
    if (/dbus|platform failure|no such interface|ServiceUnknown|not provided by any \.service|no storage access|autolaunch/i.test(raw)) {
      return new EngineError(
        'keychain-unavailable',
        `No keychain is reachable (${this.backend}), and Ledgerdrop never stores passwords in plain files.`,
        { cause: error, fix },
      );
    }
    return new EngineError('keychain-failed', `The ${this.backend} refused the request: ${firstLine(raw)}.`, { cause: error, fix });
  }
}
