import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine/engine.ts';
import { KEYCHAIN_SERVICE } from '../../src/main/secrets/keyring-store.ts';
import { envWithoutKeychain, runLedgerdrop } from '../helpers/cli.ts';
import { startSecretService, type SecretService } from '../helpers/secret-service.ts';
import { tempDirs } from '../helpers/temp.ts';

/** Every byte Ledgerdrop wrote under a folder, to prove a secret never landed there. */
function allBytesUnder(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    parts.push(statSync(path).isDirectory() ? allBytesUnder(path) : readFileSync(path));
  }
  return Buffer.concat(parts);
}

describe('secrets in a real Secret Service (gnome-keyring)', () => {
  let service: SecretService;
  const temp = tempDirs();
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

  beforeAll(async () => {
    service = await startSecretService();
    process.env.DBUS_SESSION_BUS_ADDRESS = service.env.DBUS_SESSION_BUS_ADDRESS;
  });
  afterAll(async () => {
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
    await service?.stop();
  });
  afterEach(() => temp.cleanup());

  const cliEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...service.env });

  it('stores, reports and deletes a secret through the engine, and never keeps it in the data folder', async () => {
    const home = temp.make();
    const engine = await createEngine({ home });
    const events: unknown[] = [];
    engine.on('secrets.changed', (e) => events.push(e));
    const { installationId } = await engine.invoke('engine.status', {});
    const value = `pw-${Math.random().toString(36).slice(2)}-ü€`;

    await engine.invoke('secrets.set', { name: 'sftp-office.password', value });
    expect(await service.lookup({ service: KEYCHAIN_SERVICE, username: `${installationId}/sftp-office.password` })).toBe(value);
    expect(await engine.invoke('secrets.has', { name: 'sftp-office.password' })).toEqual({ name: 'sftp-office.password', present: true });

    expect(await engine.invoke('secrets.delete', { name: 'sftp-office.password' })).toEqual({ name: 'sftp-office.password', deleted: true });
    expect(await service.lookup({ service: KEYCHAIN_SERVICE, username: `${installationId}/sftp-office.password` })).toBeNull();
    expect(await engine.invoke('secrets.has', { name: 'sftp-office.password' })).toMatchObject({ present: false });
    expect(await engine.invoke('secrets.delete', { name: 'sftp-office.password' })).toMatchObject({ deleted: false });

    expect(events).toEqual([
      { name: 'sftp-office.password', present: true },
      { name: 'sftp-office.password', present: false },
    ]);
    expect(JSON.stringify(events)).not.toContain(value);
    await engine.close();
    expect(allBytesUnder(home).includes(Buffer.from(value))).toBe(false);
  });

  it('keeps two data folders apart in one keychain', async () => {
    const a = await createEngine({ home: temp.make() });
    const b = await createEngine({ home: temp.make() });
    await a.invoke('secrets.set', { name: 'token', value: 'from-a' });
    expect(await b.invoke('secrets.has', { name: 'token' })).toMatchObject({ present: false });
    const { installationId } = await a.invoke('engine.status', {});
    expect(await service.accounts(KEYCHAIN_SERVICE)).toContain(`${installationId}/token`);
    await a.invoke('secrets.delete', { name: 'token' });
    await a.close();
    await b.close();
  });

  it('`ledgerdrop secrets set` reads the value from stdin and stores it only in the keychain', async () => {
    const home = temp.make();
    const value = 'correct horse battery staple';
    const set = await runLedgerdrop(['--home', home, 'secrets', 'set', 'smtp.password'], { env: cliEnv(), input: `${value}\n` });
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe('Stored smtp.password in the keychain.\n');

    const status = await runLedgerdrop(['--home', home, 'status', '--json'], { env: cliEnv() });
    const { installationId } = JSON.parse(status.stdout) as { installationId: string };
    expect(await service.lookup({ service: KEYCHAIN_SERVICE, username: `${installationId}/smtp.password` })).toBe(value);
    expect(allBytesUnder(home).includes(Buffer.from(value))).toBe(false);

    expect(await runLedgerdrop(['--home', home, 'secrets', 'has', 'smtp.password'], { env: cliEnv() })).toMatchObject({ code: 0, stdout: 'smtp.password is stored.\n' });
    expect(await runLedgerdrop(['--home', home, 'secrets', 'delete', 'smtp.password'], { env: cliEnv() })).toMatchObject({ code: 0, stdout: 'Deleted smtp.password.\n' });
    expect(await service.lookup({ service: KEYCHAIN_SERVICE, username: `${installationId}/smtp.password` })).toBeNull();
    expect(await runLedgerdrop(['--home', home, 'secrets', 'has', 'smtp.password'], { env: cliEnv() })).toMatchObject({ code: 1 });
  });

  it('refuses an empty secret from stdin', async () => {
    const result = await runLedgerdrop(['--home', temp.make(), 'secrets', 'set', 'x'], { env: cliEnv(), input: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ledgerdrop: Invalid input for secrets\.set: value: the secret is empty\n$/);
  });

  it('`doctor --json` reports every check passing, with the keychain backend', async () => {
    const home = temp.make();
    const result = await runLedgerdrop(['--home', home, 'doctor', '--json'], { env: cliEnv() });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; home: string; checks: { id: string; ok: boolean; detail: string }[] };
    expect(report.ok).toBe(true);
    expect(report.home).toBe(home);
    expect(report.checks.map((c) => [c.id, c.ok])).toEqual([
      ['node', true],
      ['home', true],
      ['database', true],
      ['keychain', true],
    ]);
    expect(report.checks.find((c) => c.id === 'keychain')?.detail).toBe('Keychain reachable (Secret Service)');
    // The probe cleaned up after itself.
    expect((await service.accounts(KEYCHAIN_SERVICE)).filter((a) => a.startsWith('doctor-probe-'))).toEqual([]);
  });

  it('refuses to store a secret when no keychain is reachable, in one line', async () => {
    const home = temp.make();
    const value = 'no-keychain-secret-4f1c';
    const result = await runLedgerdrop(['--home', home, 'secrets', 'set', 'x'], { env: envWithoutKeychain(), input: value });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ledgerdrop: No keychain is reachable \(Secret Service\), and Ledgerdrop never stores passwords in plain files\. .*gnome-keyring-daemon/);
    expect(allBytesUnder(home).includes(Buffer.from(value))).toBe(false);

    const doctor = await runLedgerdrop(['--home', home, 'doctor', '--json'], { env: envWithoutKeychain() });
    expect(doctor.code).toBe(1);
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; ok: boolean; detail: string; fix: string | null }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['keychain']);
    // What happened and what to do are separate, so the UI can show them apart.
    expect(report.checks.find((c) => c.id === 'keychain')).toMatchObject({
      detail: 'Keychain not usable: No keychain is reachable (Secret Service), and Ledgerdrop never stores passwords in plain files.',
      fix: expect.stringMatching(/^Log in to a desktop session .*gnome-keyring-daemon --unlock/),
    });
  });

  it('says the keychain is locked when it is, in one line', async () => {
    const home = temp.make();
    await service.lock();
    const result = await runLedgerdrop(['--home', home, 'secrets', 'set', 'x'], { env: cliEnv(), input: 'value' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ledgerdrop: The Secret Service is locked, so Ledgerdrop cannot store or read passwords\. Unlock your keychain and try again\.\n$/);
  });
});
