/**
 * The shell's side of the engine host: starts it, matches answers to requests, gives up on a
 * request after a timeout, restarts a crashed engine with backoff, and stops restarting when the
 * engine reports that it cannot start (data folder in use, corrupt database), keeping the reason
 * so the window can show it.
 *
 * Electron's utilityProcess is injected as `fork` (main.ts supplies it), so this file has no
 * `electron` import and test/unit/desktop-engine-process.test.ts drives it against a real engine.
 */
import type { EngineStatus, EventName } from '../../shared/contract.ts';
import { parseHostMessage, type InvokeReply, type ShellMessage } from '../../shared/engine-protocol.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

/** One running engine host, as the shell sees it. */
export interface EngineChild {
  postMessage(message: ShellMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process has ended (crash, kill or normal exit). */
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export type EngineProcessState =
  | { kind: 'starting' }
  | { kind: 'ready'; status: EngineStatus }
  | { kind: 'restarting'; attempt: number; delayMs: number; reason: string }
  | { kind: 'fatal'; error: ErrorInfo }
  | { kind: 'stopped' };

export interface EngineProcessOptions {
  fork: () => EngineChild;
  /** Every engine event, in order; also an `engine.status` after each (re)start. */
  onEvent: (name: EventName, payload: unknown) => void;
  onStateChange?: (state: EngineProcessState) => void;
  log?: (line: string) => void;
  /** How long a request may take before the caller gets an error. Default 30 s. */
  requestTimeoutMs?: number;
  /** First restart delay, doubled per crash up to `maxRestartDelayMs`. Defaults 1 s and 60 s. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A process that stayed up this long counts as healthy: the next crash restarts after the first delay again. Default 60 s. */
  healthyAfterMs?: number;
}

interface Pending {
  name: string;
  resolve: (reply: InvokeReply) => void;
  timer: ReturnType<typeof setTimeout>;
}

const closedError = (message: string): ErrorInfo => ({ code: 'engine-closed', message });

export class EngineProcess {
  private readonly options: EngineProcessOptions;
  private readonly requestTimeoutMs: number;
  private readonly restartDelayMs: number;
  private readonly maxRestartDelayMs: number;
  private readonly healthyAfterMs: number;
  private child: EngineChild | null = null;
  private current: EngineProcessState = { kind: 'stopped' };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashes = 0;
  private startedAt = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping: Promise<void> | null = null;
  private readonly exitWaiters: Array<() => void> = [];
  private readonly stateWaiters = new Set<() => void>();
  private retrying: Promise<EngineProcessState> | null = null;

  constructor(options: EngineProcessOptions) {
    this.options = options;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.restartDelayMs = options.restartDelayMs ?? 1_000;
    this.maxRestartDelayMs = options.maxRestartDelayMs ?? 60_000;
    this.healthyAfterMs = options.healthyAfterMs ?? 60_000;
  }

  get state(): EngineProcessState {
    return this.current;
  }

  /** Starts the engine host (again, after a fatal start failure the user has fixed). */
  start(): void {
    if (this.stopping) return;
    if (this.current.kind === 'fatal') {
      void this.retryAfterFatal();
      return;
    }
    if (this.child) return;
    this.clearRestartTimer();
    this.spawn();
  }

  /**
   * Sends one request; always settles, with the engine's answer or an error the UI can show.
   * After a fatal start a request is the user asking again ("Try again"): the engine is started
   * once more first, and the request goes through if it now opens.
   */
  async invoke(name: string, input: unknown): Promise<InvokeReply> {
    if (this.current.kind === 'fatal' && !this.stopping) {
      const outcome = await this.retryAfterFatal();
      if (outcome.kind === 'fatal') return { ok: false, error: outcome.error };
    }
    return this.send(name, input);
  }

  /** Starts a new host after a fatal start; settles with the state it reaches (ready, fatal again, …). One at a time. */
  private retryAfterFatal(): Promise<EngineProcessState> {
    if (this.retrying) return this.retrying;
    const retry = new Promise<EngineProcessState>((resolve) => {
      const settle = () => {
        if (this.current.kind === 'starting') return;
        this.stateWaiters.delete(settle);
        resolve(this.current);
      };
      this.stateWaiters.add(settle);
      this.child?.kill(); // the host that reported the failure, if it has not exited yet
      this.child = null;
      this.spawn();
    });
    this.retrying = retry;
    void retry.then(() => {
      this.retrying = null;
    });
    return retry;
  }

  private send(name: string, input: unknown): Promise<InvokeReply> {
    const child = this.child;
    if (this.stopping || this.current.kind === 'stopped') return Promise.resolve({ ok: false, error: closedError('The engine is stopped.') });
    if (this.current.kind === 'fatal') return Promise.resolve({ ok: false, error: this.current.error });
    if (!child) return Promise.resolve({ ok: false, error: closedError('The engine is restarting; try again in a moment.') });
    const id = this.nextId++;
    return new Promise<InvokeReply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const seconds = Math.round(this.requestTimeoutMs / 100) / 10;
        resolve({ ok: false, error: { code: 'internal', message: `The engine did not answer "${name}" within ${seconds} s. It may be busy; try again.` } });
      }, this.requestTimeoutMs);
      this.pending.set(id, { name, resolve, timer });
      try {
        child.postMessage({ type: 'invoke', id, name, input });
      } catch (error) {
        this.settle(id, { ok: false, error: closedError(`The engine could not be reached: ${error instanceof Error ? error.message : String(error)}`) });
      }
    });
  }

  /**
   * Asks the engine to close its database and exit; kills it when it has not exited within
   * `timeoutMs`. Never restarts afterwards. Safe to call twice.
   */
  shutdown(timeoutMs = 5_000): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.clearRestartTimer();
      const child = this.child;
      if (!child) {
        this.setState({ kind: 'stopped' });
        resolve();
        return;
      }
      const killTimer = setTimeout(() => {
        this.log(`engine did not exit within ${timeoutMs} ms of shutdown; killing it`);
        child.kill();
        finish();
      }, timeoutMs);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(killTimer);
        this.failPending(closedError('The engine stopped.'));
        this.setState({ kind: 'stopped' });
        resolve();
      };
      this.exitWaiters.push(finish);
      try {
        child.postMessage({ type: 'shutdown' });
      } catch {
        child.kill();
        finish();
      }
    });
    return this.stopping;
  }

  private spawn(): void {
    this.setState({ kind: 'starting' });
    let child: EngineChild;
    try {
      child = this.options.fork();
    } catch (error) {
      this.scheduleRestart(`could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    child.onMessage((raw) => {
      if (this.child === child) this.receive(raw);
    });
    let exited = false;
    child.onExit((code) => {
      if (exited) return;
      exited = true;
      this.exited(child, code);
    });
  }

  private receive(raw: unknown): void {
    const message = parseHostMessage(raw);
    if (!message) {
      this.log('ignored a malformed message from the engine');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.setState({ kind: 'ready', status: message.status });
        this.options.onEvent('engine.status', message.status);
        return;
      case 'result':
        this.settle(message.id, message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
        return;
      case 'event':
        this.options.onEvent(message.name, message.payload);
        return;
      case 'fatal':
        this.log(`engine reported a fatal error: ${message.error.code}: ${message.error.message}`);
        if (this.current.kind === 'starting') {
          // Restarting cannot fix a data folder in use or a corrupt database: stop and keep the reason.
          this.setState({ kind: 'fatal', error: message.error });
          this.failPending(message.error);
          this.child?.kill();
        }
        return;
    }
  }

  private exited(child: EngineChild, code: number): void {
    if (this.child !== child) return; // a host that was already replaced
    this.child = null;
    for (const waiter of this.exitWaiters.splice(0)) waiter();
    if (this.stopping || this.current.kind === 'fatal') return;
    this.failPending(closedError('The engine stopped unexpectedly while working on this; it is restarting. Try again in a moment.'));
    this.scheduleRestart(`exited with code ${code}`);
  }

  private scheduleRestart(reason: string): void {
    if (Date.now() - this.startedAt >= this.healthyAfterMs) this.crashes = 0;
    const delayMs = Math.min(this.restartDelayMs * 2 ** this.crashes, this.maxRestartDelayMs);
    this.crashes += 1;
    this.log(`engine ${reason}; restart #${this.crashes} in ${delayMs} ms`);
    this.setState({ kind: 'restarting', attempt: this.crashes, delayMs, reason });
    this.clearRestartTimer();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping && !this.child) this.spawn();
    }, delayMs);
  }

  private settle(id: number, reply: InvokeReply): void {
    const request = this.pending.get(id);
    if (!request) return; // timed out already
    this.pending.delete(id);
    clearTimeout(request.timer);
    request.resolve(reply);
  }

  private failPending(error: ErrorInfo): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private setState(state: EngineProcessState): void {
    this.current = state;
    this.options.onStateChange?.(state);
    for (const waiter of [...this.stateWaiters]) waiter();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
