import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../src/main/engine/version.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { CLI, envWithoutKeychain, runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A one-line reason on stderr: no stack trace, no help dump. */
function expectOneLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^ledgerdrop: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('ledgerdrop command line', () => {
  it('prints its version', async () => {
    expect(await runLedgerdrop(['--version'])).toMatchObject({ code: 0, stdout: `${APP_VERSION}\n` });
  });

  it('refuses to start on a Node older than 24, saying which Node it needs', async (ctx) => {
    const old = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
      try {
        return Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]']).toString()) < 24;
      } catch {
        return false;
      }
    });
    if (!old) {
      console.warn('No Node older than 24 on this machine: the version guard is not exercised.');
      ctx.skip();
      return;
    }
    const result = spawnSync(old, [CLI, '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ledgerdrop: needs Node 24 or newer, this is Node \d+\./);
  });

  it('has --help on every command', async () => {
    for (const args of [[], ['doctor'], ['status'], ['secrets'], ['secrets', 'set'], ['secrets', 'delete'], ['secrets', 'has'], ['settings'], ['settings', 'set']]) {
      const result = await runLedgerdrop([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/^Usage: ledgerdrop/);
    }
  });

  it('refuses an unknown command in one line with exit code 2', async () => {
    const result = await runLedgerdrop(['sycn']);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toContain("unknown command 'sycn'");
  });

  it('refuses a missing argument and an unknown option with exit code 2', async () => {
    const missing = await runLedgerdrop(['secrets', 'delete']);
    expect(missing.code).toBe(2);
    expectOneLine(missing.stderr);
    const unknown = await runLedgerdrop(['doctor', '--jsn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--jsn'/);
  });

  it('reads the data folder from LEDGERDROP_HOME when --home is absent', async () => {
    const home = temp.make();
    const result = await runLedgerdrop(['status', '--json'], { env: { ...process.env, LEDGERDROP_HOME: home } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ home, state: 'idle' });
  });

  it('reads and changes settings, refusing bad values with the reason', async () => {
    const home = temp.make();
    expect(await runLedgerdrop(['--home', home, 'settings', 'set', 'language', 'fr'])).toMatchObject({ code: 0, stdout: 'language = fr\n' });
    const got = await runLedgerdrop(['--home', home, 'settings', 'get', '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ language: 'fr' });
    const bad = await runLedgerdrop(['--home', home, 'settings', 'set', 'rescanIntervalMinutes', '0']);
    expect(bad.code).toBe(1);
    expectOneLine(bad.stderr);
    expect(bad.stderr).toContain('patch.rescanIntervalMinutes');
  });

  it('refuses a damaged database in one line and leaves it byte-for-byte as it was', async () => {
    const home = temp.make();
    const db = join(home, 'ledgerdrop.db');
    writeFileSync(db, 'this is not a database, but it is the user\'s file'.repeat(200));
    const before = sha256(db);
    for (const args of [['status'], ['secrets', 'delete', 'x'], ['settings', 'get']]) {
      const result = await runLedgerdrop(['--home', home, ...args]);
      expect(result.code).toBe(1);
      expectOneLine(result.stderr);
      expect(result.stderr).toMatch(/The database .*ledgerdrop\.db is damaged .*left it untouched/);
    }
    expect(sha256(db)).toBe(before);
    expect(readdirSync(home).sort()).toEqual(['engine.lock', 'engine.pid', 'ledgerdrop.db']);

    const doctor = await runLedgerdrop(['--home', home, 'doctor', '--json'], { env: envWithoutKeychain() });
    expect(doctor.code).toBe(1);
    const report = JSON.parse(doctor.stdout) as { checks: { id: string; ok: boolean; fix: string | null }[] };
    expect(report.checks.find((c) => c.id === 'database')).toMatchObject({ ok: false, fix: expect.stringMatching(/backup/) });
    expect(sha256(db)).toBe(before);
  });

  it('refuses a data folder it may not write to, in one line', async () => {
    const parent = temp.make();
    const home = join(parent, 'readonly-home');
    mkdirSync(home);
    writeFileSync(join(home, 'keep-me.txt'), 'user data');
    chmodSync(home, 0o555);
    const asUser = { withoutRootPowers: true };
    const env = { ...envWithoutKeychain(), HOME: parent };
    for (const args of [['status'], ['secrets', 'set', 'x']]) {
      const result = await runLedgerdrop(['--home', home, ...args], { ...asUser, env, input: 'v' });
      expect(result.code, result.stderr).toBe(1);
      expectOneLine(result.stderr);
      expect(result.stderr).toContain(`Cannot write to the data folder ${home}: permission denied.`);
    }
    const doctor = await runLedgerdrop(['--home', home, 'doctor', '--json'], { ...asUser, env });
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; ok: boolean }[] };
    expect(report.checks.find((c) => c.id === 'home')).toMatchObject({ ok: false });
    expect(readFileSync(join(home, 'keep-me.txt'), 'utf8')).toBe('user data');
    chmodSync(home, 0o755);
  });
});
