import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

function setup() {
  const root = temp.make();
  const home = join(root, 'home');
  const target = join(root, 'import');
  const watch = join(root, 'acme');
  mkdirSync(target);
  mkdirSync(watch);
  const config = {
    connections: [
      {
        id: 'office-folder',
        service: 'local-folder',
        name: 'Import folder',
        families: ['invoices', 'statements'],
        settings: { path: target, pathTemplate: '[accounting_file_id]/[family]/[original_name]' },
      },
    ],
    clients: [
      {
        id: 'acme',
        name: 'ACME BV',
        identifiers: ['BE0123456749'],
        accountingFileId: 'ACME01',
        share: true,
        connection: 'office-folder',
        activate: ['invoices', 'statements'],
        watchFolders: [{ path: watch }],
        fields: {},
      },
    ],
  };
  const file = join(root, 'config.json');
  const write = (value: unknown) => writeFileSync(file, JSON.stringify(value));
  write(config);
  return { root, home, target, watch, config, file, write };
}

const tables = (home: string) => {
  const db = new Database(join(home, 'ledgerdrop.db'), { readonly: true });
  const counts = Object.fromEntries(['connections', 'clients', 'watch_folders'].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]));
  db.close();
  return counts;
};

describe('ledgerdrop config apply / export', () => {
  it('applies the documented shape, lists what it made, and exports the same shape back', async () => {
    const s = setup();
    const applied = await runLedgerdrop(['--home', s.home, 'config', 'apply', s.file]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Connections: created office-folder');
    expect(applied.stdout).toContain('Clients: created acme');

    const clients = JSON.parse((await runLedgerdrop(['--home', s.home, 'clients', '--json'])).stdout) as { id: string; invoicesActivatedAt: string; watchFolders: string[] }[];
    expect(clients).toEqual([expect.objectContaining({ id: 'acme', connection: 'office-folder', accountingFileId: 'ACME01', watchFolders: [s.watch] })]);
    const connections = JSON.parse((await runLedgerdrop(['--home', s.home, 'connections', '--json'])).stdout) as unknown[];
    expect(connections).toEqual([expect.objectContaining({ id: 'office-folder', service: 'local-folder', active: true, status: 'connected', clients: 1 })]);

    const exported = JSON.parse((await runLedgerdrop(['--home', s.home, 'config', 'export'])).stdout) as typeof s.config;
    expect(exported.connections[0]).toMatchObject(s.config.connections[0]!);
    expect(exported.clients[0]).toMatchObject(s.config.clients[0]!);

    // Re-applying updates in place and keeps the activation time (only later documents are exported).
    s.write({ ...s.config, clients: [{ ...s.config.clients[0], name: 'ACME Belgium BV' }] });
    const again = await runLedgerdrop(['--home', s.home, 'config', 'apply', s.file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ clients: { created: [], updated: ['acme'] }, connections: { updated: ['office-folder'] } });
    const after = JSON.parse((await runLedgerdrop(['--home', s.home, 'clients', '--json'])).stdout) as { name: string; invoicesActivatedAt: string }[];
    expect(after[0]).toMatchObject({ name: 'ACME Belgium BV', invoicesActivatedAt: clients[0]!.invoicesActivatedAt });
    expect(tables(s.home)).toEqual({ connections: 1, clients: 1, watch_folders: 1 });
  });

  it('refuses unknown keys and bad values with the JSON path, and changes nothing', async () => {
    const s = setup();
    const cases: [unknown, RegExp][] = [
      [{ ...s.config, extra: 1 }, /Unrecognized key: "extra"/],
      [{ ...s.config, clients: [{ ...s.config.clients[0], activate: ['invoices', 'receipts'] }] }, /clients\[0\]\.activate\[1\]/],
      [{ ...s.config, connections: [{ ...s.config.connections[0], settings: { path: 'relative/dir' } }] }, /connections\[0\]\.settings\.path: must be an absolute path/],
      [{ ...s.config, connections: [{ ...s.config.connections[0], settings: { path: s.target, pathTemplate: '[client]/[nonsense]' } }] }, /connections\[0\]\.settings\.pathTemplate: .*nonsense/],
      [{ ...s.config, connections: [{ ...s.config.connections[0], settings: { path: s.target, colour: 'red' } }] }, /connections\[0\]\.settings\.colour: unknown setting for local-folder/],
      [{ ...s.config, connections: [{ ...s.config.connections[0], service: 'carrier-pigeon' }] }, /connections\[0\]\.service: unknown service "carrier-pigeon"/],
      [{ ...s.config, clients: [{ ...s.config.clients[0], connection: 'nowhere' }] }, /clients\[0\]\.connection: no connection "nowhere"/],
      [{ ...s.config, clients: [{ ...s.config.clients[0], identifiers: ['BE0123456789'] }] }, /clients\[0\]\.identifiers\[0\]/],
      [{ ...s.config, clients: [{ ...s.config.clients[0], fields: { inboundEmail: 'a@b.be' } }] }, /clients\[0\]\.fields\.inboundEmail: unknown field for local-folder/],
      [{ ...s.config, connections: [{ ...s.config.connections[0], secrets: { password: { env: 'LD_TEST_UNSET_VARIABLE' } } }] }, /connections\[0\]\.secrets\.password: local-folder has no secret named password/],
    ];
    for (const [config, expected] of cases) {
      s.write(config);
      const result = await runLedgerdrop(['--home', s.home, 'config', 'apply', s.file]);
      expect(result.code, JSON.stringify(config)).toBe(1);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).toMatch(/Nothing was changed/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(tables(s.home)).toEqual({ connections: 0, clients: 0, watch_folders: 0 });
  });

  it('refuses a file that is not JSON, or not there, in one line', async () => {
    const s = setup();
    writeFileSync(s.file, '{"connections": [');
    const bad = await runLedgerdrop(['--home', s.home, 'config', 'apply', s.file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ledgerdrop: The configuration file .* is not valid JSON/);
    const missing = await runLedgerdrop(['--home', s.home, 'config', 'apply', join(s.root, 'nope.json')]);
    expect(missing.stderr).toMatch(/^ledgerdrop: Cannot read the configuration file .*nope\.json: it does not exist\.\n$/);
  });
});
