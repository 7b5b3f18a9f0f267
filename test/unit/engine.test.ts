import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS, type EngineStatus } from '../../src/shared/contract.ts';
import { createEngine, type Engine } from '../../src/main/engine/engine.ts';
import { EngineError } from '../../src/main/engine/errors.ts';
import { LATEST_SCHEMA_VERSION } from '../../src/main/store/migrations.ts';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
const open: Engine[] = [];
async function engineAt(home: string): Promise<Engine> {
  const engine = await createEngine({ home });
  open.push(engine);
  return engine;
}

afterEach(async () => {
  for (const engine of open.splice(0)) await engine.close();
  temp.cleanup();
});

async function errorOf(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('engine core', () => {
  it('creates its data folder and a WAL database at the latest schema', async () => {
    const home = join(temp.make(), 'nested', 'home');
    const engine = await engineAt(home);
    const status = await engine.invoke('engine.status', {});
    expect(status.state).toBe('idle');
    expect(status.home).toBe(home);
    expect(status.database.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(status.installationId).toMatch(/^[0-9a-f-]{36}$/);
    const peek = new Database(join(home, 'ledgerdrop.db'), { readonly: true });
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
    peek.close();
  });

  it('keeps its installation id across restarts', async () => {
    const home = temp.make();
    const first = await createEngine({ home });
    const id = (await first.invoke('engine.status', {})).installationId;
    await first.close();
    const second = await engineAt(home);
    expect((await second.invoke('engine.status', {})).installationId).toBe(id);
  });

  it('refuses a second engine on the same data folder, in this process and in another', async () => {
    const home = temp.make();
    await engineAt(home);
    const error = await errorOf(createEngine({ home }));
    expect(error.code).toBe('home-in-use');
    expect(error.message).toContain(`process ${process.pid}`);

    const other = await runLedgerdrop(['--home', home, 'status']);
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/already using the data folder/);
  });

  it('releases the data folder on close, and close can be called twice', async () => {
    const home = temp.make();
    const engine = await createEngine({ home });
    const states: string[] = [];
    engine.on('engine.status', (s: EngineStatus) => states.push(s.state));
    await engine.close();
    await engine.close();
    expect(states).toEqual(['closing', 'closed']);
    const again = await engineAt(home);
    expect((await again.invoke('engine.status', {})).state).toBe('idle');
    await expect(engine.invoke('engine.status', {})).rejects.toMatchObject({ code: 'engine-closed' });
  });

  it('validates every input against the contract', async () => {
    const engine = await engineAt(temp.make());
    await expect(engine.invoke('settings.set', { patch: { language: 'de' } })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('patch.language'),
    });
    await expect(engine.invoke('settings.set', { patch: { colour: 'blue' } })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(engine.invoke('secrets.set', { name: '../etc/passwd', value: 'x' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(engine.invoke('secrets.set', { name: 'ok', value: '' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(engine.invoke('secrets.set', { name: 'ok', value: 'x'.repeat(64 * 1024 + 1) })).rejects.toMatchObject({ code: 'invalid-input' });
    // @ts-expect-error an operation that is not in the contract
    await expect(engine.invoke('secrets.get', { name: 'ok' })).rejects.toMatchObject({ code: 'unknown-operation' });
  });

  it('stores settings, announces changes and keeps them across restarts', async () => {
    const home = temp.make();
    const engine = await createEngine({ home });
    expect(await engine.invoke('settings.get', {})).toEqual(DEFAULT_ENGINE_SETTINGS);
    const seen: unknown[] = [];
    engine.on('settings.changed', (s) => seen.push(s));
    const next = await engine.invoke('settings.set', { patch: { language: 'nl', rescanIntervalMinutes: 5 } });
    expect(next).toEqual({ ...DEFAULT_ENGINE_SETTINGS, language: 'nl', rescanIntervalMinutes: 5 });
    expect(seen).toEqual([next]);
    await engine.close();
    const reopened = await engineAt(home);
    expect(await reopened.invoke('settings.get', {})).toEqual(next);
  });

  it('falls back to the default for a stored setting that no longer fits the schema', async () => {
    const home = temp.make();
    await (await createEngine({ home })).close();
    const db = new Database(join(home, 'ledgerdrop.db'));
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('language', '\"klingon\"', 'x'), ('logLevel', 'not json', 'x')").run();
    db.close();
    const engine = await engineAt(home);
    expect(await engine.invoke('settings.get', {})).toEqual(DEFAULT_ENGINE_SETTINGS);
  });

  it('refuses a damaged database without changing it, and says what to do', async () => {
    const home = temp.make();
    const path = join(home, 'ledgerdrop.db');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(path, garbage);
    const error = await errorOf(createEngine({ home }));
    expect(error.code).toBe('database-corrupt');
    expect(error.message).toMatch(/damaged.*left it untouched.*backup/);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(createHash('sha256').update(garbage).digest('hex'));
    // The lock was released: a second try reports the same problem, not "in use".
    expect((await errorOf(createEngine({ home }))).code).toBe('database-corrupt');
  });

  it('refuses a data folder it cannot create', async () => {
    const parent = temp.make();
    writeFileSync(join(parent, 'a-file'), 'not a folder');
    const error = await errorOf(createEngine({ home: join(parent, 'a-file', 'home') }));
    expect(error.code).toBe('home-unwritable');
    expect(error.message).toContain('part of the path is a file');
    expect(existsSync(join(parent, 'a-file'))).toBe(true);
  });
});
