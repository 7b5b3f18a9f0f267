import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine/engine.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const coda = (n: number) =>
  [
    `0000001012600005        00000000  ACME BV                   GKCCBEBB   00123456749 00000                                       2`,
    `10${String(n).padStart(3, '0')}BE68539007547034                  EUR0000000001000000010126ACME BV                   Compte courant                     001`,
    `8${String(n).padStart(3, '0')}BE68539007547034                  EUR0000000001000000020126                                                                0`,
    `9               000002000000000000000000000000000000                                                                           2`,
  ]
    .map((l) => l.padEnd(128, ' '))
    .join('\n');

describe('engine events for the UI', () => {
  it('announces documents, import and delivery progress, delivery states and connection status', async () => {
    const root = temp.make();
    const target = join(root, 'target');
    const drop = join(root, 'drop');
    mkdirSync(target);
    mkdirSync(drop);
    for (let i = 1; i <= 3; i += 1) writeFileSync(join(drop, `s${i}.cod`), coda(i));
    const home = join(root, 'home');
    const engine = await createEngine({ home });
    const events: [string, unknown][] = [];
    engine.onAny((name, payload) => events.push([name, payload]));
    await engine.invoke('config.apply', {
      config: {
        connections: [{ id: 'f', service: 'local-folder', name: 'F', families: ['statements'], settings: { path: target } }],
        clients: [{ id: 'acme', name: 'ACME', connection: 'f', activate: ['statements'] }],
      },
    });

    await engine.invoke('documents.import', { clientId: 'acme', paths: [drop] });
    expect(events.filter(([n]) => n === 'document.added')).toHaveLength(3);
    expect(events.filter(([n]) => n === 'batch.progress').map(([, p]) => p)).toEqual([1, 2, 3].map((done) => ({ kind: 'import', done, total: 3 })));

    // Break the connection behind the engine's back (an unusable folder setting): the first attempt stops it.
    const db = new Database(join(home, 'ledgerdrop.db'));
    db.prepare("UPDATE connections SET settings = json_set(settings, '$.path', 'relative/folder')").run();
    events.length = 0;
    const broken = await engine.invoke('outbox.run', {});
    expect(broken).toMatchObject({ done: 0, waiting: 3 });
    expect(events.filter(([n]) => n === 'connection.status')).toEqual([['connection.status', { connectionId: 'f', status: 'error', message: expect.stringContaining('not a full path') }]]);
    expect((await engine.invoke('connections.list', {}))[0]).toMatchObject({ status: 'error' });

    db.prepare('UPDATE connections SET settings = json_set(settings, \'$.path\', ?)').run(target);
    db.close();
    events.length = 0;
    await engine.invoke('outbox.retry', {});
    expect(events).toContainEqual(['connection.status', { connectionId: 'f', status: 'connected', message: null }]);
    const delivered = await engine.invoke('outbox.run', {});
    expect(delivered).toMatchObject({ done: 3, waiting: 0, failed: 0 });
    expect(events.filter(([n]) => n === 'delivery.changed').map(([, p]) => (p as { state: string }).state)).toEqual(['done', 'done', 'done']);
    const progress = events.filter(([n]) => n === 'batch.progress').map(([, p]) => p as { kind: string; done: number; total: number });
    expect(progress.at(-1)).toEqual({ kind: 'delivery', done: 3, total: 3 });
    await engine.close();
  });
});
