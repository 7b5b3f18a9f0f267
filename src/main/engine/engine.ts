import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  contract,
  describeZodError,
  type EngineState,
  type EngineStatus,
  type EventName,
  type EventPayload,
  type OperationName,
  type OperationOutput,
} from '../../shared/contract.ts';
import { isOperationName } from '../../shared/operation-names.ts';
import { applyConfig, exportConfig } from '../config/apply.ts';
import { signInConnection, testConnection } from '../config/connection-actions.ts';
import { listClients, listConnections } from '../config/queries.ts';
import { runDoctor } from '../doctor/doctor.ts';
import { Agent } from '../pipeline/agent.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { KeyringSecretStore } from '../secrets/keyring-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { releaseDurable } from '../store/group-commit.ts';
import { serveControl } from './control-socket.ts';
import { EngineError } from './errors.ts';
import { EngineEvents, type EventListener } from './events.ts';
import { ensureWritableHome, removeStaleProbes } from './home.ts';
import { HomeLock } from './home-lock.ts';
import { openInBrowser } from './open-url.ts';
import { DATABASE_FILE } from './paths.ts';
import { SettingsStore } from './settings-store.ts';
import { APP_VERSION } from './version.ts';

export interface EngineOptions {
  /** The data folder: database, logs, lock. Created when missing. */
  home: string;
  /** Builds the secret store for this data folder's namespace; defaults to the OS keychain. */
  secretStore?: (namespace: string) => SecretStore;
}

export interface Engine {
  readonly home: string;
  /** Runs an operation by name; the input is validated against the contract first. */
  invoke<N extends OperationName>(name: N, input: unknown): Promise<OperationOutput<N>>;
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  onAny(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void;
  /** Starts watching the watch folders and delivering continuously (the headless agent and the desktop app). */
  startAgent(options?: { stableMs?: number; onProblem?: (message: string) => void }): Promise<void>;
  /** Closes the database and releases the data folder. Safe to call twice. */
  close(): Promise<void>;
}

type Handlers = { [N in OperationName]: (input: never) => Promise<OperationOutput<N>> | OperationOutput<N> };

/**
 * Opens a data folder and returns the engine that serves it. Refuses when another engine
 * (in this process or another) already holds the folder.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const home = options.home;
  ensureWritableHome(home);
  const lock = HomeLock.acquire(home);
  removeStaleProbes(home);
  let db: Db;
  try {
    db = openDatabase(join(home, DATABASE_FILE));
  } catch (error) {
    lock.release();
    throw error;
  }
  return new EngineImpl(home, lock, db, options.secretStore ?? ((ns) => new KeyringSecretStore(ns)));
}

class EngineImpl implements Engine {
  readonly home: string;
  private readonly lock: HomeLock;
  private readonly db: Db;
  private readonly events = new EngineEvents();
  private readonly settings: SettingsStore;
  private readonly secrets: SecretStore;
  private readonly makeSecretStore: (namespace: string) => SecretStore;
  private readonly installationId: string;
  private readonly startedAt = new Date().toISOString();
  private state: EngineState = 'starting';
  private readonly handlers: Handlers;
  private readonly pipeline: Pipeline;

  constructor(home: string, lock: HomeLock, db: Db, makeSecretStore: (namespace: string) => SecretStore) {
    this.home = home;
    this.lock = lock;
    this.db = db;
    this.settings = new SettingsStore(db);
    this.installationId = this.ensureInstallationId();
    this.makeSecretStore = makeSecretStore;
    this.secrets = makeSecretStore(this.installationId);
    this.pipeline = new Pipeline({
      db,
      home,
      secrets: this.secrets,
      settings: () => this.settings.get(),
      onDocument: (e) => this.events.emit('document.added', { clientId: e.clientId, documentId: e.documentId, name: e.name }),
      onDelivery: (e) => this.events.emit('delivery.changed', e),
      onProgress: (e) => this.events.emit('batch.progress', e),
      onConnectionStatus: (e) => this.events.emit('connection.status', e),
      onDeliveryProgress: (e) => this.events.emit('delivery.progress', e),
    });
    this.handlers = {
      'engine.status': () => this.status(),
      'settings.get': () => this.settings.get(),
      'settings.set': (input: { patch: Parameters<SettingsStore['set']>[0] }) => {
        const next = this.settings.set(input.patch);
        this.events.emit('settings.changed', next);
        return next;
      },
      'secrets.set': async (input: { name: string; value: string }) => {
        await this.secrets.set(input.name, input.value);
        this.events.emit('secrets.changed', { name: input.name, present: true });
        return { name: input.name, stored: true as const };
      },
      'secrets.delete': async (input: { name: string }) => {
        const deleted = await this.secrets.delete(input.name);
        if (deleted) this.events.emit('secrets.changed', { name: input.name, present: false });
        return { name: input.name, deleted };
      },
      'secrets.has': async (input: { name: string }) => ({ name: input.name, present: await this.secrets.has(input.name) }),
      doctor: () => runDoctor({ home: this.home, probeStore: this.makeSecretStore }),
      'config.apply': (input: { config: unknown; secretValues: Record<string, string> }) => applyConfig(this.db, this.secrets, input.config, input.secretValues),
      'config.export': () => exportConfig(this.db),
      'clients.list': () => listClients(this.db),
      'connections.list': () => listConnections(this.db),
      'connections.test': (input: { id: string; accept: boolean }) =>
        this.kickAfter(testConnection(this.db, this.secrets, input.id, input.accept, new Date(), { onStatus: (e) => this.events.emit('connection.status', e) })),
      'connections.signIn': (input: { id: string }) =>
        this.kickAfter(
          signInConnection(
            this.db,
            this.secrets,
            input.id,
            {
              openUrl: (url) => {
                this.events.emit('connection.signInUrl', { connectionId: input.id, url });
                openInBrowser(url);
              },
            },
            () => new Date(),
            { onStatus: (e) => this.events.emit('connection.status', e) },
          ),
        ),
      'documents.import': (input: { clientId: string; paths: string[] }) => this.kickAfter(this.pipeline.importPaths(input.clientId, input.paths)),
      'watch.scan': () => this.pipeline.scanWatchFolders(),
      'run.once': () => this.pipeline.runOnce(),
      'outbox.run': () => this.pipeline.deliver(),
      'outbox.status': () => this.pipeline.status(),
      'sync.now': async () => {
        const result = await this.pipeline.syncNow();
        this.agent?.kick();
        return result;
      },
      'outbox.pause': (input: { minutes?: number }) => this.pipeline.pause(input.minutes),
      'outbox.resume': () => this.kickAfter(this.pipeline.resume()),
      'outbox.retry': (input: { deliveryId?: number }) => this.kickAfter(this.pipeline.retry(input.deliveryId)),
      'outbox.cancel': (input: { deliveryId: number }) => this.pipeline.cancel(input.deliveryId),
      'activity.list': (input: { since?: string; limit: number }) => this.pipeline.activity(input.since, input.limit),
    };
    this.setState('idle');
  }

  async invoke<N extends OperationName>(name: N, input: unknown): Promise<OperationOutput<N>> {
    if (!isOperationName(name)) throw new EngineError('unknown-operation', `Unknown operation "${String(name)}".`);
    if (this.state === 'closed' || this.state === 'closing') throw new EngineError('engine-closed', 'The engine is shutting down; try again after it restarts.');
    const parsed = contract[name].input.safeParse(input ?? {});
    if (!parsed.success) throw new EngineError('invalid-input', `Invalid input for ${name}: ${describeZodError(parsed.error)}`);
    const handler = this.handlers[name] as (input: unknown) => Promise<OperationOutput<N>> | OperationOutput<N>;
    return handler(parsed.data);
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    return this.events.on(event, listener);
  }

  onAny(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void {
    return this.events.onAny(listener);
  }

  private agent: Agent | null = null;

  async startAgent(options: { stableMs?: number; onProblem?: (message: string) => void } = {}): Promise<void> {
    if (this.agent) return;
    this.agent = new Agent({
      db: this.db,
      pipeline: this.pipeline,
      rescanIntervalMs: this.settings.get().rescanIntervalMinutes * 60_000,
      ...(options.stableMs !== undefined ? { stableMs: options.stableMs } : {}),
      onProblem: (problem) => {
        const message = `${problem.folder}: ${problem.message}`;
        this.db.prepare("INSERT INTO activity (at, level, event, message) VALUES (?, ?, 'watch.problem', ?)").run(new Date().toISOString(), problem.code === 'folder-back' ? 'info' : 'warning', message);
        options.onProblem?.(message);
      },
    });
    await this.agent.start();
    // Other `ledgerdrop` commands reach the running agent here instead of being refused.
    this.control = await serveControl(this, this.home).catch(() => null);
  }

  private control: { close(): Promise<void> } | null = null;

  /** After an operation that may have made deliveries due, a running agent looks at the outbox at once. */
  private async kickAfter<T>(result: T | Promise<T>): Promise<T> {
    const value = await result;
    this.agent?.kick();
    return value;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closing');
    await this.control?.close();
    this.control = null;
    await this.agent?.stop();
    this.agent = null;
    await this.pipeline.close();
    await releaseDurable(this.db);
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
    this.lock.release();
    this.setState('closed');
  }

  private status(): EngineStatus {
    return {
      state: this.state,
      version: APP_VERSION,
      home: this.home,
      installationId: this.installationId,
      startedAt: this.startedAt,
      database: {
        path: join(this.home, DATABASE_FILE),
        schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
        sqliteVersion: (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      },
      keychain: { backend: this.secrets.backend },
    };
  }

  private setState(state: EngineState): void {
    this.state = state;
    if (state === 'closed') {
      // The database is gone; send what we know without touching it.
      this.events.emit('engine.status', { ...this.lastStatus, state });
      return;
    }
    this.lastStatus = this.status();
    this.events.emit('engine.status', this.lastStatus);
  }

  private lastStatus!: EngineStatus;

  private ensureInstallationId(): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'installation_id'").get() as { value: string } | undefined;
    if (row) return row.value;
    const id = randomUUID();
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('installation_id', ?)").run(id);
    return id;
  }
}
