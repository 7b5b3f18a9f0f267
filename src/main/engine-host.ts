/**
 * The engine host: runs the engine in Electron's utilityProcess, so a hung SFTP handshake or a slow
 * database never freezes the window or the tray. Plain Node, never `electron` (lint enforces it).
 *
 * The shell forks this file with `--home=<userData>`; messages arrive on `process.parentPort` and
 * follow src/shared/engine-protocol.ts. `EngineHost` holds all the protocol handling and takes its
 * port as a parameter, so tests drive it in plain Node with a real engine and an in-memory port.
 */
import type { OperationName } from '../shared/contract.ts';
import { homeFromArgs, parseShellMessage, type HostMessage } from '../shared/engine-protocol.ts';
import type { ErrorInfo } from '../shared/errors.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { EngineError, toErrorInfo } from './engine/errors.ts';

/** The two halves of a message channel, as the host sees them. */
export interface HostPort {
  /** Delivers the data of every message from the shell. */
  onMessage(listener: (message: unknown) => void): void;
  postMessage(message: HostMessage): void;
}

export interface EngineHostOptions {
  port: HostPort;
  /** Opens the engine; a rejection becomes a `fatal` message. */
  open: () => Promise<Engine>;
  /** Ends the process once the engine is closed after a `shutdown`. */
  exit: (code: number) => void;
}

export class EngineHost {
  private readonly port: HostPort;
  private readonly exit: (code: number) => void;
  private engine: Engine | null = null;
  private fatal: ErrorInfo | null = null;
  private stopping: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Settles once the engine has opened or failed to; never rejects. */
  readonly started: Promise<void>;

  constructor(options: EngineHostOptions) {
    this.port = options.port;
    this.exit = options.exit;
    this.port.onMessage((message) => {
      void this.handle(message);
    });
    this.started = this.start(options.open);
  }

  private async start(open: () => Promise<Engine>): Promise<void> {
    try {
      const engine = await open();
      this.engine = engine;
      this.unsubscribe = engine.onAny((name, payload) => this.post({ type: 'event', name, payload }));
      this.post({ type: 'ready', status: await engine.invoke('engine.status', {}) });
    } catch (error) {
      this.fatal = toErrorInfo(error);
      this.post({ type: 'fatal', error: this.fatal });
    }
  }

  private async handle(raw: unknown): Promise<void> {
    const message = parseShellMessage(raw);
    if (!message) return; // Not ours: the shell only sends what engine-protocol.ts describes.
    if (message.type === 'shutdown') {
      await this.shutdown();
      return;
    }
    const { id, name, input } = message;
    await this.started;
    if (this.stopping) {
      this.post({ type: 'result', id, ok: false, error: new EngineError('engine-closed', 'The engine is shutting down; try again after it restarts.').toInfo() });
      return;
    }
    if (!this.engine) {
      this.post({ type: 'result', id, ok: false, error: this.fatal ?? { code: 'internal', message: 'The engine did not start.' } });
      return;
    }
    try {
      // The engine checks the name and validates the input against the contract itself.
      const value = await this.engine.invoke(name as OperationName, input);
      this.post({ type: 'result', id, ok: true, value });
    } catch (error) {
      this.post({ type: 'result', id, ok: false, error: toErrorInfo(error) });
    }
  }

  /** Closes the engine (releasing the data folder) and exits. Safe to call twice. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      await this.started;
      try {
        await this.engine?.close(); // its last `engine.status` events still reach the shell
      } catch (error) {
        this.post({ type: 'fatal', error: toErrorInfo(error) });
      } finally {
        this.unsubscribe?.();
        this.exit(0);
      }
    })();
    return this.stopping;
  }

  private post(message: HostMessage): void {
    try {
      this.port.postMessage(message);
    } catch {
      // The shell is gone; nothing left to tell.
    }
  }
}

/** Electron's `process.parentPort`, reduced to what the host uses (this file cannot import electron's types). */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Runs the host when this file is the entry of a utilityProcess; does nothing elsewhere (tests, CLI). */
export function runInUtilityProcess(): EngineHost | null {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort;
  if (!parentPort) return null;
  const home = homeFromArgs(process.argv, process.env);
  return new EngineHost({
    port: {
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      postMessage: (message) => parentPort.postMessage(message),
    },
    open: async () => {
      if (!home) throw new Error('the desktop app started the engine without a data folder (--home).');
      const engine = await createEngine({ home });
      // In the desktop app the engine always runs the agent: watch folders and deliveries.
      await engine.startAgent();
      return engine;
    },
    exit: (code) => process.exit(code),
  });
}

runInUtilityProcess();
