/**
 * The SFTP connector end to end, as a user runs it: `config apply` (the password or private key from
 * an environment variable into a real Secret Service), documents dropped in a watch folder,
 * `ledgerdrop run --once` in a child process, and the bytes checked where a real OpenSSH sshd
 * (internal-sftp, 127.0.0.1) wrote them. Faults are made for real: an unknown and a changed host
 * key, a wrong password, a wrong key passphrase, the server killed mid-upload, a folder the account
 * may not write in. Needs root and scripts/test-env.sh.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../helpers/corpus.ts';
import { codaStatement, queryDb, runAndAct, sha256, sha256File } from '../helpers/crash.ts';
import { startSecretService, type SecretService } from '../helpers/secret-service.ts';
import { startSshd, type SshdServer } from '../helpers/sshd.ts';
import { tempDirs } from '../helpers/temp.ts';
import { deliverAndCheck, transportSetup, type TransportSetup } from '../helpers/transport-scenario.ts';
import { getTestUser } from '../helpers/test-user.ts';

const temp = tempDirs('ledgerdrop-sftp-');
let service: SecretService;
const servers: SshdServer[] = [];

beforeAll(async () => {
  service = await startSecretService();
});
afterAll(async () => {
  await service?.stop();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  temp.cleanup();
});

async function server(options: Parameters<typeof startSshd>[0] = {}): Promise<SshdServer> {
  const started = await startSshd(options);
  servers.push(started);
  return started;
}

type Setup = TransportSetup;

/**
 * A data folder with one SFTP connection (host/port/user, upload path into a fresh server folder,
 * plus `settings`) and one client watching a folder. `secrets` maps secret fields to values.
 */
async function setup(sshd: SshdServer, settings: Record<string, unknown>, secrets: Record<string, string> = { password: sshd.password }): Promise<Setup> {
  const remote = await sshd.makeUploadDir();
  return transportSetup({
    root: temp.make(),
    env: service.env,
    service: 'sftp',
    connectionId: 'office-sftp',
    remote,
    base: { host: sshd.host, port: sshd.port, username: sshd.username, uploadPath: `${remote}/Invoice_import/[accounting_file_id]/[family]` },
    settings,
    secrets,
  });
}

const deliveries = (s: Setup) => s.deliveries();
const connection = (s: Setup) => s.connection();
const remoteFiles = (s: Setup): string[] => s.remoteFiles();

/** Sign-in attempts the sshd logged (accepted or failed), e.g. to prove none was made. */
const signIns = (sshd: SshdServer): string[] => sshd.logs().match(/(Accepted|Failed) (password|publickey) for \S+/g) ?? [];

describe('SFTP connector, end to end through `ledgerdrop`', () => {
  it('delivers the corpus invoices and statements after the user accepts the host key, creating folders, exactly once', { timeout: 120_000 }, async () => {
    const invoices = corpusFiles('efff');
    const statements = [...corpusFiles('coda'), ...corpusFiles('camt053')];
    if (invoices.length === 0) console.warn('Corpus folder absent: this test delivers generated CODA statements only.');
    const sshd = await server();
    const s = await setup(sshd, {});
    // The upload path relative to the account's start folder (its home), as providers usually give it.
    await s.apply({ uploadPath: `${basename(s.remote)}/Invoice_import/[accounting_file_id]/[family]/` });

    // First contact: the test shows the fingerprint as OpenSSH prints it, signs in with nothing.
    const first = await s.cli('connections', 'test', 'office-sftp');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^Problem: First connection to 127\.0\.0\.1:\d+: its host key fingerprint is SHA256:\S+ \(ssh-ed25519\)\. Check with your IT provider/);
    expect(first.stdout).toContain(`  hostKey: ${sshd.hostKeyFingerprint}\n`);
    expect(first.stdout).toContain(`To accept hostKey = ${sshd.hostKeyFingerprint}, check it with whoever runs the server`);
    expect(signIns(sshd)).toEqual([]);
    const accepted = await s.cli('connections', 'test', 'office-sftp', '--accept');
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(new RegExp(`^OK: Connected to 127\\.0\\.0\\.1:\\d+ as ${sshd.username}; Ledgerdrop can write in ${s.remote}\\. The folder ${s.remote}/Invoice_import does not exist yet`));
    expect(connection(s).settings).toMatchObject({ hostKey: sshd.hostKeyFingerprint });
    expect(remoteFiles(s)).toEqual([]); // the test's probe file is gone

    // Every delivered document is on the server once, byte for byte, written by the SFTP account.
    const { done } = await deliverAndCheck(s, [...invoices, ...statements], /^Invoice_import\/ACME01\/(invoices|statements)\/[^/]+$/);
    for (const d of done) expect(d.remote_ref).toMatch(new RegExp(`^sftp://${sshd.username}@127\\.0\\.0\\.1:${sshd.port}${s.remote}/Invoice_import/ACME01/`));
    expect(sshd.logs()).toMatch(/Accepted password for ledgerdrop-test/);
  });

  it('signs in with a private key (OpenSSH ed25519, and PEM RSA protected by a passphrase); a wrong passphrase stops the connection and says so', { timeout: 90_000 }, async () => {
    const sshd = await server({ rsaKey: true });
    const s = await setup(sshd, { hostKey: sshd.hostKeyFingerprint }, { privateKey: sshd.privateKey });
    writeFileSync(join(s.watch, 'one.cod'), codaStatement(21));
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'Invoice_import/ACME01/statements/one.cod'))).toBe(sha256(codaStatement(21)));
    expect(sshd.logs()).toMatch(/Accepted publickey for ledgerdrop-test .*ED25519/);

    // The RSA key, encrypted with a passphrase (same key pair, so still authorized).
    const encrypted = join(temp.make(), 'client_rsa_encrypted.pem');
    copyFileSync(sshd.rsaPrivateKeyPath!, encrypted);
    execFileSync('ssh-keygen', ['-q', '-p', '-m', 'PEM', '-f', encrypted, '-P', '', '-N', 'Correct-Horse-42']);
    const encryptedKey = readFileSync(encrypted, 'utf8');
    expect(encryptedKey).toContain('ENCRYPTED');

    await s.apply({ hostKey: sshd.hostKeyFingerprint }, { privateKey: encryptedKey, passphrase: 'Wrong-Passphrase-7' });
    writeFileSync(join(s.watch, 'two.cod'), codaStatement(22));
    const wrong = await s.runOnce();
    expect(wrong.result.code).toBe(3);
    expect(deliveries(s)[1]).toMatchObject({ state: 'waiting', last_error_code: 'private-key-invalid' });
    expect(connection(s).status).toBe('error');
    expect(connection(s).status_message).toMatch(/^The private key stored for this connection cannot be used \(.*\)\. Store the key in OpenSSH or PEM format .* with its passphrase if it has one, then test the connection\.$/);
    for (const text of [wrong.result.stdout, connection(s).status_message ?? '']) {
      expect(text).not.toContain('Wrong-Passphrase-7');
      expect(text).not.toContain('PRIVATE KEY');
    }

    await s.apply({ hostKey: sshd.hostKeyFingerprint }, { privateKey: encryptedKey, passphrase: 'Correct-Horse-42' });
    expect((await s.cli('retry')).code).toBe(0);
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'Invoice_import/ACME01/statements/two.cod'))).toBe(sha256(codaStatement(22)));
    expect(sshd.logs()).toMatch(/Accepted publickey for ledgerdrop-test .*RSA/);
  });

  it('a wrong password stops the connection after one sign-in attempt, says what to do, never shows the password; the right one and `retry` deliver', { timeout: 90_000 }, async () => {
    const sshd = await server();
    const wrong = 'Wrong-Pass-5b1d9e22';
    const s = await setup(sshd, { hostKey: sshd.hostKeyFingerprint }, { password: wrong });
    const docs = [1, 2, 3].map((n) => ({ name: `statement-${n}.cod`, bytes: codaStatement(30 + n) }));
    for (const doc of docs) writeFileSync(join(s.watch, doc.name), doc.bytes);

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 3, failed: 0 });
    const status = connection(s);
    expect(status.status).toBe('error');
    expect(status.status_message).toMatch(/^127\.0\.0\.1:\d+ refused to sign in "ledgerdrop-test" with the password stored for this connection\. Check the user name and password .* then test the connection\./);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'auth-failed' });
    // One failed sign-in, not one per document or per connection attempt (servers lock accounts).
    expect(signIns(sshd)).toEqual(['Failed password for ledgerdrop-test']);
    expect(remoteFiles(s)).toEqual([]);
    const activity = queryDb<{ message: string }>(s.db, 'SELECT message FROM activity').map((row) => row.message).join('\n');
    for (const text of [result.stdout, result.stderr, activity, JSON.stringify(deliveries(s)), status.status_message ?? '']) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(sshd.password);
    }
    expect(readFileSync(s.db).includes(Buffer.from(wrong))).toBe(false);

    await s.apply({ hostKey: sshd.hostKeyFingerprint }, { password: sshd.password });
    expect((await s.cli('retry')).code).toBe(0);
    const fixed = await s.runOnce();
    expect(fixed.outcome.delivered).toEqual({ done: 3, waiting: 0, failed: 0 });
    for (const doc of docs) expect(sha256File(join(s.remote, 'Invoice_import/ACME01/statements', doc.name))).toBe(sha256(doc.bytes));
  });

  it('an unknown host key: nothing is sent (not even the user name) until the user accepts the fingerprint; then it delivers', { timeout: 90_000 }, async () => {
    const sshd = await server();
    const s = await setup(sshd, {});
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(41));

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 1, failed: 0 });
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'host-key-not-confirmed' });
    expect(connection(s).status).toBe('error');
    expect(connection(s).status_message).toMatch(/^Ledgerdrop does not send anything to 127\.0\.0\.1:\d+ until you confirm that it is really your server\. It shows the fingerprint SHA256:\S+ \(ssh-ed25519\)\. Test the connection, check the fingerprint with your IT provider, and accept it/);
    expect(connection(s).status_message).toContain(sshd.hostKeyFingerprint);
    expect(signIns(sshd)).toEqual([]);
    expect(sshd.logs()).not.toMatch(/for (invalid user )?ledgerdrop-test/); // not even the user name
    expect(remoteFiles(s)).toEqual([]);

    const accepted = await s.cli('connections', 'test', 'office-sftp', '--accept');
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(accepted.stdout).toMatch(/^OK: Connected to /);
    expect(connection(s)).toMatchObject({ status: 'connected', settings: { hostKey: sshd.hostKeyFingerprint } });
    const delivered = await s.runOnce();
    expect(delivered.outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'Invoice_import/ACME01/statements/statement.cod'))).toBe(sha256(codaStatement(41)));
  });

  it('a host key that changed blocks the connection with a clear warning and both fingerprints; after accepting the new key it delivers again', { timeout: 90_000 }, async () => {
    const sshd = await server();
    const s = await setup(sshd, { hostKey: sshd.hostKeyFingerprint });
    const old = sshd.hostKeyFingerprint;
    writeFileSync(join(s.watch, 'before.cod'), codaStatement(51));
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    const signInsBefore = signIns(sshd).length;

    const replaced = await sshd.replaceHostKey();
    expect(replaced).not.toBe(old);
    writeFileSync(join(s.watch, 'after.cod'), codaStatement(52));
    const blocked = await s.runOnce();
    expect(blocked.result.code).toBe(3);
    expect(deliveries(s)[1]).toMatchObject({ state: 'waiting', last_error_code: 'host-key-changed' });
    const status = connection(s);
    expect(status.status).toBe('error');
    expect(status.status_message).toBe(
      `The server's host key changed since you connected — confirm the new fingerprint with your IT provider before accepting it. Expected: ${old}; 127.0.0.1:${sshd.port} now shows ${replaced} (ssh-ed25519). Until then Ledgerdrop sends nothing to this server: a changed key can also mean that someone is intercepting the connection.`,
    );
    expect(signIns(sshd)).toHaveLength(signInsBefore); // no password went to the new key
    expect(existsSync(join(s.remote, 'Invoice_import/ACME01/statements/after.cod'))).toBe(false);

    // A second run does not even try (the connection is stopped), and the test offers the new key.
    await s.runOnce();
    expect(signIns(sshd)).toHaveLength(signInsBefore);
    const test = await s.cli('connections', 'test', 'office-sftp');
    expect(test.code).toBe(1);
    expect(test.stdout).toContain(`  hostKey: ${replaced}\n`);
    expect(test.stdout).toContain(`  acceptedHostKey: ${old}\n`);
    expect(test.stdout).toContain(`To accept hostKey = ${replaced}`);
    expect((await s.cli('connections', 'test', 'office-sftp', '--accept')).code).toBe(0);
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'Invoice_import/ACME01/statements/after.cod'))).toBe(sha256(codaStatement(52)));
  });
});

/** Size of the largest file (only `.partial` ones with `partials`) under the connection's server folder, 0 when there is none. */
function largestFile(s: Setup, partials = false): number {
  return Math.max(0, ...remoteFiles(s).filter((f) => !partials || f.endsWith('.partial')).map((f) => statSync(join(s.remote, f)).size));
}

describe('SFTP connector faults, through `ledgerdrop run --once`', () => {
  it('the server killed mid-upload leaves no file under the final name; restarted, the rerun delivers it once and leaves no partial', { timeout: 120_000 }, async () => {
    const sshd = await server();
    const s = await setup(sshd, { hostKey: sshd.hostKeyFingerprint });
    // A 60 MB scan: about half a second on loopback, time enough to kill the server in the middle.
    expect((await s.cli('settings', 'set', 'unknownDirection', 'export')).code).toBe(0);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(60 * 1024 * 1024, 'scan ')]);
    writeFileSync(join(s.watch, 'scan.pdf'), big);

    let killing: Promise<void> = Promise.resolve();
    const run = await runAndAct(['--home', s.home, 'run', '--once', '--json'], 0, () => void (killing = sshd.kill()), { env: s.env, after: () => largestFile(s) > 1024 * 1024 });
    await killing;
    expect(run.acted).toBe(true);
    expect(run.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'connection-lost' });
    expect(deliveries(s)[0]!.last_error_message).toMatch(/^The connection to 127\.0\.0\.1:\d+ was lost while trying to write .*scan\.pdf\. Nothing incomplete was left under the file's name; Ledgerdrop will try again by itself\.$/);
    expect(connection(s).status).toBe('connected'); // a lost connection is no reason to stop it
    expect(existsSync(join(s.remote, 'Invoice_import/ACME01/invoices/scan.pdf'))).toBe(false);
    const cut = largestFile(s, true);
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(big.length);

    await sshd.restart();
    expect((await s.cli('retry')).code).toBe(0);
    const rerun = await s.runOnce();
    expect(rerun.outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(remoteFiles(s)).toEqual(['Invoice_import/ACME01/invoices/scan.pdf']);
    expect(sha256File(join(s.remote, 'Invoice_import/ACME01/invoices/scan.pdf'))).toBe(sha256(big));
  });

  it('a folder the account may not write in fails that delivery without retrying and says what to do; the connection keeps working', { timeout: 60_000 }, async () => {
    const sshd = await server();
    const s = await setup(sshd, { hostKey: sshd.hostKeyFingerprint });
    // Created by root (not the SFTP account), 0755: the account can read it but not write in it.
    const locked = join(s.remote, 'Invoice_import/ACME01/statements');
    mkdirSync(locked, { recursive: true });
    chownSync(join(s.remote, 'Invoice_import'), getTestUser().uid, getTestUser().gid);
    chownSync(join(s.remote, 'Invoice_import/ACME01'), getTestUser().uid, getTestUser().gid);
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(61));

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 0, failed: 1 });
    const [failed] = deliveries(s);
    expect(failed).toMatchObject({ state: 'failed', last_error_code: 'permission-denied' });
    expect(failed!.last_error_message).toBe(
      `127.0.0.1:${sshd.port} does not let "ledgerdrop-test" write in ${locked} (permission denied). Ask whoever manages the server to give this account write access to ${locked}, or change the upload path in the connection settings; then retry the delivery.`,
    );
    expect(connection(s).status).toBe('connected');
    expect(remoteFiles(s)).toEqual([]);
    expect(sshd.logs().match(/Accepted password/g)).toHaveLength(1); // tried once, not again and again

    chownSync(locked, getTestUser().uid, getTestUser().gid);
    expect((await s.cli('retry')).code).toBe(0);
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(locked, 'statement.cod'))).toBe(sha256(codaStatement(61)));
  });
});
