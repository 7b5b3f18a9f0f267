/**
 * The shell's engine-process wrapper (src/main/electron/engine-process.ts) driving real engine
 * hosts over in-memory ports: request/response correlation, events, timeouts, restart with backoff
 * after a crash, and no restart after a fatal start. Only the utilityProcess itself is replaced.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineHost } from '../../src/main/engine-host.ts';
import { createEngine, type Engine } from '../../src/main/engine/engine.ts';
import { EngineProcess, type EngineChild, type EngineProcessState } from '../../src/main/electron/engine-process.ts';
import type { ShellMessage } from '../../src/shared/engine-protocol.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-process-');
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  temp.cleanup();
});

interface InProcessChild extends EngineChild {
  host: EngineHost;
  /** The process dies on its own: the engine is gone (its lock released, as the OS would) and exit fires. */
  crash(code?: number): Promise<void>;
}

/** A "utilityProcess" that runs an EngineHost in this process. */
function inProcessChild(open: () => Promise<Engine>): InProcessChild {
  const toHost = new EventEmitter();
  const toShell = new EventEmitter();
  let exited = false;
  let crashing = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    setImmediate(() => toShell.emit('exit', code));
  };
  const host = new EngineHost({
    port: { onMessage: (l) => toHost.on('message', l), postMessage: (m) => setImmediate(() => toShell.emit('message', structuredClone(m))) },
    open,
    exit: (code) => {
      if (!crashing) exit(code);
    },
  });
  return {
    host,
    postMessage: (message: ShellMessage) => {
      if (!exited) setImmediate(() => toHost.emit('message', structuredClone(message)));
    },
    onMessage: (listener) => toShell.on('message', listener),
    onExit: (listener) => toShell.once('exit', listener),
    kill: () => {
      void host.shutdown().then(() => exit(9));
    },
    crash: async (code = 1) => {
      crashing = true;
      toHost.removeAllListeners();
      toShell.removeAllListeners('message'); // a dead process says nothing more
      await host.shutdown();
      exit(code);
    },
  };
}

function engineProcess(fork: () => EngineChild, extra: Partial<ConstructorParameters<typeof EngineProcess>[0]> = {}) {
  const events: Array<{ name: string; payload: unknown }> = [];
  const states: EngineProcessState[] = [];
  const engine = new EngineProcess({
    fork,
    onEvent: (name, payload) => events.push({ name, payload }),
    onStateChange: (state) => states.push(state),
    requestTimeoutMs: 2_000,
    restartDelayMs: 20,
    maxRestartDelayMs: 80,
    ...extra,
  });
  cleanups.push(() => engine.shutdown(200));
  return { engine, events, states };
}

const waitForState = (engine: EngineProcess, kind: EngineProcessState['kind']) =>
  vi.waitFor(() => expect(engine.state.kind).toBe(kind), { timeout: 5_000, interval: 5 });

describe('engine process (shell side)', () => {
  it('matches answers to requests and relays events, including a status on every start', async () => {
    const home = temp.make();
    const { engine, events } = engineProcess(() => inProcessChild(() => createEngine({ home })));
    engine.start();
    const [status, bad, settings] = await Promise.all([
      engine.invoke('engine.status', {}),
      engine.invoke('settings.set', { patch: { language: 'xx' } }),
      engine.invoke('settings.set', { patch: { language: 'fr' } }),
    ]);
    expect(status).toMatchObject({ ok: true, value: { home } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(settings).toMatchObject({ ok: true, value: { language: 'fr' } });
    await vi.waitFor(() => expect(events.map((e) => e.name)).toEqual(['engine.status', 'settings.changed']));
    expect(engine.state).toMatchObject({ kind: 'ready', status: { home } });
  });

  it('gives up on a request the engine does not answer in time', async () => {
    const silent: EngineChild = { postMessage: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} };
    const { engine } = engineProcess(() => silent, { requestTimeoutMs: 50 });
    engine.start();
    const reply = await engine.invoke('doctor', {});
    expect(reply.ok).toBe(false);
    expect(reply.ok ? '' : reply.error.message).toMatch(/did not answer "doctor" within 0\.1 s/);
  });

  it('fails pending requests when the engine crashes, then restarts it', async () => {
    const home = temp.make();
    const children: InProcessChild[] = [];
    const { engine, states } = engineProcess(() => {
      const child = inProcessChild(() => createEngine({ home }));
      children.push(child);
      return child;
    });
    engine.start();
    await waitForState(engine, 'ready');
    const pending = engine.invoke('doctor', {});
    await children[0]!.crash(3);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'engine-closed' } });
    expect(await engine.invoke('engine.status', {})).toMatchObject({ ok: false, error: { code: 'engine-closed', message: expect.stringContaining('restarting') } });
    await waitForState(engine, 'ready');
    expect(children).toHaveLength(2);
    expect(states.map((s) => s.kind)).toEqual(['starting', 'ready', 'restarting', 'starting', 'ready']);
    expect(await engine.invoke('engine.status', {})).toMatchObject({ ok: true, value: { home } });
  });

  it('backs off between restarts: doubling delays up to the maximum', async () => {
    let forks = 0;
    const dying = (): EngineChild => {
      forks += 1;
      const emitter = new EventEmitter();
      setTimeout(() => emitter.emit('exit', 1), 1);
      return { postMessage: () => {}, onMessage: () => {}, onExit: (l) => emitter.once('exit', l), kill: () => {} };
    };
    const { engine, states } = engineProcess(dying, { restartDelayMs: 10, maxRestartDelayMs: 40 });
    engine.start();
    await vi.waitFor(() => expect(forks).toBeGreaterThanOrEqual(5), { timeout: 5_000 });
    await engine.shutdown(100);
    const delays = states.flatMap((s) => (s.kind === 'restarting' ? [s.delayMs] : []));
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 40, 40]);
  });

  it('does not restart an engine that cannot open its data folder by itself, keeps the reason, and tries again when asked', async () => {
    const home = temp.make();
    const holder = await createEngine({ home });
    cleanups.push(() => holder.close());
    let forks = 0;
    const { engine } = engineProcess(() => {
      forks += 1;
      return inProcessChild(() => createEngine({ home }));
    });
    engine.start();
    await waitForState(engine, 'fatal');
    expect(engine.state).toMatchObject({ kind: 'fatal', error: { code: 'home-in-use' } });
    await new Promise((resolve) => setTimeout(resolve, 100)); // well past the 20 ms restart delay
    expect(forks).toBe(1);

    // Asking again while the folder is still held: one more try, the same answer.
    expect(await engine.invoke('engine.status', {})).toMatchObject({ ok: false, error: { code: 'home-in-use' } });
    expect(forks).toBe(2);

    // The user quits the other Ledgerdrop and presses "Try again": the request starts the engine and goes through.
    await holder.close();
    expect(await engine.invoke('engine.status', {})).toMatchObject({ ok: true, value: { home } });
    expect(engine.state.kind).toBe('ready');
    expect(forks).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the replaced hosts' exits change nothing
    expect(engine.state.kind).toBe('ready');
    expect(forks).toBe(3);
  });

  it('shuts the engine down and releases the data folder; kills an engine that does not exit', async () => {
    const home = temp.make();
    const { engine } = engineProcess(() => inProcessChild(() => createEngine({ home })));
    engine.start();
    await waitForState(engine, 'ready');
    await engine.shutdown(2_000);
    expect(engine.state.kind).toBe('stopped');
    expect(await engine.invoke('engine.status', {})).toMatchObject({ ok: false, error: { code: 'engine-closed' } });
    const again = await createEngine({ home });
    await again.close();

    let killed = false;
    const stubborn = new EventEmitter();
    const { engine: hung } = engineProcess(() => ({
      postMessage: () => {},
      onMessage: () => {},
      onExit: (l) => stubborn.once('exit', l),
      kill: () => {
        killed = true;
      },
    }));
    hung.start();
    const started = Date.now();
    await hung.shutdown(50);
    expect(killed).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(hung.state.kind).toBe('stopped');
  });
});
