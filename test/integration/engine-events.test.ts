import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine/engine.ts';
import { tempDirs } from '../helpers/temp.ts';
import { codaStatement } from '../helpers/documents.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('engine events for the UI', () => {
  it('announces documents, import and delivery progress, delivery states and connection status', async () => {
    const root = temp.make();
    const target = join(root, 'target');
    const drop = join(root, 'drop');
    mkdirSync(target);
    mkdirSync(drop);
    for (let i = 1; i <= 3; i += 1) writeFileSync(join(drop, `s${i}.cod`), codaStatement(i));
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
    // Bytes sent per delivery: each one ends with everything sent, of its own size.
    const bytes = events.filter(([n]) => n === 'delivery.progress').map(([, p]) => p as { deliveryId: number; bytesSent: number; bytesTotal: number });
    const last = new Map(bytes.map((b) => [b.deliveryId, b]));
    expect(last.size).toBe(3);
    for (const b of last.values()) expect(b.bytesSent).toBe(b.bytesTotal);
    expect([...last.values()].map((b) => b.bytesTotal).sort()).toEqual([1, 2, 3].map((n) => codaStatement(n).length).sort());
    await engine.close();
  });
});
