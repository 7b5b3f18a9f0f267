/**
 * The engine host's protocol (src/main/engine-host.ts) against a real engine on a temp data folder.
 * The "port" is an in-memory pair standing in for Electron's parentPort: messages are structured-
 * cloned on the way through, as they would be between processes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineHost } from '../../src/main/engine-host.ts';
import { createEngine, type Engine } from '../../src/main/engine/engine.ts';
import { homeFromArgs, type HostMessage } from '../../src/shared/engine-protocol.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-host-');
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  temp.cleanup();
});

function startHost(open: () => Promise<Engine>) {
  const toHost = new EventEmitter();
  const received: HostMessage[] = [];
  const exits: number[] = [];
  const host = new EngineHost({
    port: {
      onMessage: (listener) => toHost.on('message', listener),
      postMessage: (message) => received.push(structuredClone(message)),
    },
    open,
    exit: (code) => exits.push(code),
  });
  cleanups.push(() => host.shutdown());
  const send = (message: unknown) => toHost.emit('message', structuredClone(message));
  const waitFor = <T extends HostMessage>(predicate: (m: HostMessage) => m is T): Promise<T> =>
    vi.waitFor(
      () => {
        const found = received.find(predicate);
        if (!found) throw new Error('no such message yet');
        return found;
      },
      { timeout: 5_000, interval: 5 },
    );
  const resultFor = (id: number) => waitFor((m): m is Extract<HostMessage, { type: 'result' }> => m.type === 'result' && m.id === id);
  return { host, received, exits, send, waitFor, resultFor };
}

const isReady = (m: HostMessage): m is Extract<HostMessage, { type: 'ready' }> => m.type === 'ready';
const isFatal = (m: HostMessage): m is Extract<HostMessage, { type: 'fatal' }> => m.type === 'fatal';

describe('engine host protocol', () => {
  it('announces itself ready with the engine status of its data folder', async () => {
    const home = temp.make();
    const { waitFor } = startHost(() => createEngine({ home }));
    const ready = await waitFor(isReady);
    expect(ready.status.home).toBe(home);
    expect(ready.status.state).toBe('idle');
  });

  it('answers invokes by id, with values and with the engine’s error codes', async () => {
    const home = temp.make();
    const { send, resultFor } = startHost(() => createEngine({ home }));
    send({ type: 'invoke', id: 1, name: 'engine.status', input: {} });
    send({ type: 'invoke', id: 2, name: 'no.such.operation', input: {} });
    send({ type: 'invoke', id: 3, name: 'settings.set', input: { patch: { language: 'de' } } });
    send({ type: 'invoke', id: 4, name: 'settings.get' }); // input omitted: treated as {}

    const status = await resultFor(1);
    expect(status).toMatchObject({ ok: true, value: { home, state: 'idle' } });
    expect(await resultFor(2)).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    const invalid = await resultFor(3);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(invalid.ok ? '' : invalid.error.message).toContain('patch.language');
    expect(await resultFor(4)).toMatchObject({ ok: true, value: { language: 'en' } });
  });

  it('forwards every engine event', async () => {
    const home = temp.make();
    const { send, resultFor, waitFor } = startHost(() => createEngine({ home }));
    send({ type: 'invoke', id: 7, name: 'settings.set', input: { patch: { language: 'nl' } } });
    expect(await resultFor(7)).toMatchObject({ ok: true, value: { language: 'nl' } });
    const event = await waitFor((m): m is Extract<HostMessage, { type: 'event' }> => m.type === 'event' && m.name === 'settings.changed');
    expect(event.payload).toMatchObject({ language: 'nl' });
  });

  it('ignores messages that are not part of the protocol', async () => {
    const home = temp.make();
    const { send, received, waitFor, resultFor } = startHost(() => createEngine({ home }));
    await waitFor(isReady);
    const before = received.length;
    for (const junk of [null, 'invoke', 42, { type: 'invoke' }, { type: 'invoke', id: -1, name: 'doctor' }, { type: 'invoke', id: 1.5, name: 'doctor' }, { type: 'eval', code: '1' }]) send(junk);
    send({ type: 'invoke', id: 9, name: 'engine.status', input: {} });
    await resultFor(9);
    expect(received.slice(before).map((m) => m.type)).toEqual(['result']);
  });

  it('reports a data folder held by another engine as fatal, and answers later invokes with that error', async () => {
    const home = temp.make();
    const holder = await createEngine({ home });
    cleanups.push(() => holder.close());
    const { send, waitFor, resultFor, exits } = startHost(() => createEngine({ home }));
    const fatal = await waitFor(isFatal);
    expect(fatal.error.code).toBe('home-in-use');
    expect(fatal.error.message).toContain(home);
    send({ type: 'invoke', id: 1, name: 'engine.status', input: {} });
    expect(await resultFor(1)).toEqual({ type: 'result', id: 1, ok: false, error: fatal.error });
    expect(exits).toEqual([]); // it waits for the shell to decide
  });

  it('reports a corrupt database as fatal', async () => {
    const home = temp.make();
    writeFileSync(join(home, 'ledgerdrop.db'), Buffer.alloc(8192, 0x5a));
    const { waitFor } = startHost(() => createEngine({ home }));
    const fatal = await waitFor(isFatal);
    expect(fatal.error.code).toBe('database-corrupt');
  });

  it('closes the engine on shutdown, releases the data folder and exits', async () => {
    const home = temp.make();
    const { send, waitFor, resultFor, exits, received } = startHost(() => createEngine({ home }));
    await waitFor(isReady);
    send({ type: 'shutdown' });
    await vi.waitFor(() => expect(exits).toEqual([0]));
    const states = received.flatMap((m) => (m.type === 'event' && m.name === 'engine.status' ? [(m.payload as { state: string }).state] : []));
    expect(states).toEqual(['closing', 'closed']);
    send({ type: 'invoke', id: 5, name: 'engine.status', input: {} });
    expect(await resultFor(5)).toMatchObject({ ok: false, error: { code: 'engine-closed' } });
    const next = await createEngine({ home }); // the lock is free again
    await next.close();
  });

  it('reads its data folder from --home, then from LEDGERDROP_HOME', () => {
    expect(homeFromArgs(['electron', 'engine-host.js', '--home=/data/a'], { LEDGERDROP_HOME: '/data/b' })).toBe('/data/a');
    expect(homeFromArgs(['electron', 'engine-host.js'], { LEDGERDROP_HOME: '/data/b' })).toBe('/data/b');
    expect(homeFromArgs(['--home='], {})).toBeUndefined();
  });
});
