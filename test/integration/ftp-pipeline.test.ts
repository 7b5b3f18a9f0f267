/**
 * The FTP connector end to end, as a user runs it: `config apply` (the password from an environment
 * variable into a real Secret Service), documents dropped in a watch folder, `ledgerdrop run --once`
 * in a child process, and the bytes checked where vsftpd wrote them (a real vsftpd on 127.0.0.1 with
 * explicit TLS and a self-signed certificate). Faults are made for real: a wrong password, an
 * untrusted certificate, plain FTP, the server killed or frozen mid-upload, Ledgerdrop SIGKILLed
 * mid-upload, a read-only folder, files already there. Needs root and scripts/test-env.sh.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../helpers/corpus.ts';
import { codaStatement, queryDb, runAndAct, runAndKill, sha256, sha256File } from '../helpers/crash.ts';
import { startFtpServer, type FtpServer } from '../helpers/ftp.ts';
import { startSecretService, type SecretService } from '../helpers/secret-service.ts';
import { tempDirs } from '../helpers/temp.ts';
import { deliverAndCheck, transportSetup, type TransportSetup } from '../helpers/transport-scenario.ts';
import { drainAllowanceMs } from '../../src/main/connectors/ftp/upload.ts';
import { getTestUser } from '../helpers/test-user.ts';

const temp = tempDirs('ledgerdrop-ftp-');
let service: SecretService;
const servers: FtpServer[] = [];

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

async function server(options: Parameters<typeof startFtpServer>[0] = { tls: true }): Promise<FtpServer> {
  const started = await startFtpServer(options);
  servers.push(started);
  return started;
}

const fingerprintOf = (ftp: FtpServer): string => new X509Certificate(ftp.caCert!).fingerprint256;

type Setup = TransportSetup;

/** A data folder with one FTP connection (settings on top of host/port/user/folder) and one client watching a folder. */
async function setup(ftp: FtpServer, settings: Record<string, unknown>, password = ftp.password): Promise<Setup> {
  const remote = await ftp.makeUploadDir();
  return transportSetup({
    root: temp.make(),
    env: service.env,
    service: 'ftp',
    connectionId: 'office-ftp',
    remote,
    base: { host: ftp.host, port: ftp.port, username: ftp.username, folder: remote },
    settings,
    secrets: { password },
  });
}

const deliveries = (s: Setup) => s.deliveries();
const connectionStatus = (s: Setup): { status: string; status_message: string | null } => {
  const { status, status_message } = s.connection();
  return { status, status_message };
};

/** Makes `relative` folders under the remote folder, owned by the FTP account (as if it had made them). */
function remoteFolder(s: Setup, relative: string): string {
  let dir = s.remote;
  for (const part of relative.split('/')) {
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
    chownSync(dir, getTestUser().uid, getTestUser().gid);
  }
  return dir;
}

/** Files under the remote folder, relative, sorted (hidden partials included). */
const remoteFiles = (s: Setup): string[] => s.remoteFiles();

describe('FTP connector, end to end through `ledgerdrop`', () => {
  it('delivers the corpus invoices and statements over explicit TLS after the user accepts the certificate, creating folders, exactly once', { timeout: 120_000 }, async () => {
    const invoices = corpusFiles('efff');
    const statements = [...corpusFiles('coda'), ...corpusFiles('camt053')];
    if (invoices.length === 0) console.warn('Corpus folder absent: this test delivers generated CODA statements only.');
    const ftp = await server();
    const s = await setup(ftp, { pathTemplate: '[accounting_file_id]/[family]/[year]/[original_name]' });

    // The certificate is self-signed: the test refuses it, shows its fingerprint and offers to accept it.
    // (Human output: `connections test --json` is taken by the parent `connections --json` today.)
    const refused = await s.cli('connections', 'test', 'office-ftp');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^Problem: The FTP server 127\.0\.0\.1:\d+ presented a certificate this computer does not trust \(it is self-signed/);
    expect(refused.stdout).toContain(`To accept certFingerprint = ${fingerprintOf(ftp)}, check it with whoever runs the server`);
    const accepted = await s.cli('connections', 'test', 'office-ftp', '--accept');
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^OK: Connected to .* with encryption, signed in, and the folder .* is writable\./);
    expect(accepted.stdout).toContain(`certificateFingerprint: SHA-256 ${fingerprintOf(ftp)}`);
    expect(JSON.parse(queryDb<{ settings: string }>(s.db, "SELECT settings FROM connections WHERE id = 'office-ftp'")[0]!.settings)).toMatchObject({ certFingerprint: fingerprintOf(ftp) });
    expect(remoteFiles(s)).toEqual([]); // the test's probe file is gone

    // Every delivered document is on the server once, byte for byte, under ACME01/<family>/<year>/.
    const { done } = await deliverAndCheck(s, [...invoices, ...statements], /^ACME01\/(invoices|statements)\/\d{4}\/[^/]+$/);
    for (const d of done) expect(d.remote_ref).toMatch(new RegExp(`^ftps://127\\.0\\.0\\.1:${ftp.port}${s.remote}/ACME01/`));
  });

  it('a wrong password stops the connection after one try, says what to do, never shows the password; the right one and `retry` deliver', { timeout: 90_000 }, async () => {
    const ftp = await server();
    const wrong = 'Wrong-Pass-9f3c1e77';
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp) }, wrong);
    const docs = [1, 2, 3].map((n) => ({ name: `statement-${n}.cod`, bytes: codaStatement(n) }));
    for (const doc of docs) writeFileSync(join(s.watch, doc.name), doc.bytes);

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 3, failed: 0 });
    const status = connectionStatus(s);
    expect(status.status).toBe('error');
    expect(status.status_message).toMatch(/^The FTP server 127\.0\.0\.1:\d+ refused the user name "ledgerdrop-test" or its password \(it said: 530 Login incorrect\.\)\. Check both .* then test the connection\./);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'auth-failed' });
    // One failed login, not one per document (a server may lock the account after a few).
    expect((await ftp.logs()).match(/FAIL LOGIN/g)).toHaveLength(1);
    expect(remoteFiles(s)).toEqual([]);
    // The password is in no output, message or log line.
    const activity = queryDb<{ message: string }>(s.db, 'SELECT message FROM activity').map((row) => row.message).join('\n');
    for (const text of [result.stdout, result.stderr, activity, JSON.stringify(deliveries(s)), status.status_message ?? '']) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(ftp.password);
    }

    await s.apply({ certFingerprint: fingerprintOf(ftp) }, { password: ftp.password });
    expect((await s.cli('retry')).code).toBe(0);
    const fixed = await s.runOnce();
    expect(fixed.outcome.delivered).toEqual({ done: 3, waiting: 0, failed: 0 });
    for (const doc of docs) expect(sha256File(join(s.remote, 'ACME01/statements', doc.name))).toBe(sha256(doc.bytes));
  });

  it('refuses a certificate no authority vouches for before sending the password; one signed by an authority this computer trusts needs no pinning', { timeout: 90_000 }, async () => {
    const ftp = await server();
    const s = await setup(ftp, {});
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(7));

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 1, failed: 0 });
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'certificate-untrusted' });
    expect(connectionStatus(s).status_message).toContain(`if it is ${fingerprintOf(ftp)}, accept it with \`ledgerdrop connections test office-ftp --accept\``);
    const log = await ftp.logs();
    expect(log).toMatch(/"AUTH TLS"/);
    expect(log).not.toMatch(/"USER |"PASS /); // nothing secret went to the unverified server
    expect(remoteFiles(s)).toEqual([]);

    // The same server, its certificate now signed by an authority this computer trusts (it is its own CA).
    const ca = join(temp.make(), 'ca.pem');
    writeFileSync(ca, ftp.caCert!);
    s.env.NODE_EXTRA_CA_CERTS = ca;
    expect((await s.cli('retry')).code).toBe(0);
    const trusted = await s.runOnce();
    expect(trusted.outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'ACME01/statements/statement.cod'))).toBe(sha256(codaStatement(7)));
    expect(connectionStatus(s).status).toBe('connected');
  });

  it('a pinned certificate that changes stops the connection before the password is sent', { timeout: 60_000 }, async () => {
    const ftp = await server();
    const other = 'AB:'.repeat(31) + 'AB';
    const s = await setup(ftp, { certFingerprint: other });
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(8));
    const { result } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'certificate-changed' });
    expect(connectionStatus(s)).toMatchObject({ status: 'error', status_message: expect.stringContaining(`accepted: ${other}; now: ${fingerprintOf(ftp)}`) });
    expect(await ftp.logs()).not.toMatch(/"USER |"PASS /);
  });

  it('plain FTP: explicit TLS to a server without it says so; "none" is refused until confirmed, without even connecting; confirmed, it delivers', { timeout: 90_000 }, async () => {
    const ftp = await server({ tls: false });
    const s = await setup(ftp, {});
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(9));

    await s.runOnce();
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'tls-not-offered' });
    expect(connectionStatus(s).status_message).toMatch(/does not offer encryption \(it answered AUTH TLS with: 5\d\d .*set security to none and allowPlainFtp to true/);

    await s.apply({ security: 'none' });
    const before = (await ftp.logs()).match(/CONNECT: Client/g)?.length ?? 0;
    expect((await s.cli('retry')).code).toBe(0);
    const refused = await s.runOnce();
    expect(refused.result.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'plain-ftp-not-confirmed' });
    expect(connectionStatus(s)).toMatchObject({ status: 'error', status_message: expect.stringContaining('set "allowPlainFtp" to true') });
    expect((await ftp.logs()).match(/CONNECT: Client/g)?.length ?? 0).toBe(before); // not even a connection
    expect(remoteFiles(s)).toEqual([]);

    await s.apply({ security: 'none', allowPlainFtp: true });
    expect((await s.cli('retry')).code).toBe(0);
    const confirmed = await s.runOnce();
    expect(confirmed.outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'ACME01/statements/statement.cod'))).toBe(sha256(codaStatement(9)));
    expect(deliveries(s)[0]!.remote_ref).toBe(`ftp://127.0.0.1:${ftp.port}${s.remote}/ACME01/statements/statement.cod`);
  });

  it('implicit TLS (a server that speaks TLS from the first byte) delivers too', { timeout: 60_000 }, async () => {
    const ftp = await server({ tls: true, extraConfig: ['implicit_ssl=YES'] });
    const s = await setup(ftp, { security: 'implicit-tls', certFingerprint: fingerprintOf(ftp) });
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(10));
    const { outcome } = await s.runOnce();
    expect(outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(sha256File(join(s.remote, 'ACME01/statements/statement.cod'))).toBe(sha256(codaStatement(10)));
    expect(await ftp.logs()).not.toMatch(/"AUTH TLS"/);
  });
});

/** Size of the largest `.partial` file under the remote folder (0 when there is none). */
function partialBytes(s: Setup): number {
  return Math.max(0, ...remoteFiles(s).filter((f) => f.endsWith('.partial')).map((f) => statSync(join(s.remote, f)).size));
}

describe('FTP connector faults mid-upload, through `ledgerdrop run --once`', () => {
  // About 1 MB at 250 kB/s: 4 s on the wire, time enough to break things in the middle.
  const big = codaStatement(11, 4000);
  const slow = { tls: true, extraConfig: ['local_max_rate=250000'] };

  it('the server killed mid-upload leaves no file under the final name; restarted, the rerun delivers it once and leaves no partial', { timeout: 120_000 }, async () => {
    const ftp = await server(slow);
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp), timeoutSeconds: 5 });
    writeFileSync(join(s.watch, 'big.cod'), big);

    let killing: Promise<void> = Promise.resolve();
    const run = await runAndAct(['--home', s.home, 'run', '--once', '--json'], 0, () => void (killing = ftp.kill()), { env: s.env, after: () => partialBytes(s) > 100_000 });
    await killing;
    expect(run.acted).toBe(true);
    expect(run.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'connection-lost' });
    expect(existsSync(join(s.remote, 'ACME01/statements/big.cod'))).toBe(false);
    const cut = partialBytes(s);
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(big.length);

    await ftp.restart();
    expect((await s.cli('retry')).code).toBe(0);
    const rerun = await s.runOnce();
    expect(rerun.outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(remoteFiles(s)).toEqual(['ACME01/statements/big.cod']);
    expect(sha256File(join(s.remote, 'ACME01/statements/big.cod'))).toBe(sha256(big));
  });

  it('Ledgerdrop SIGKILLed mid-upload: the next run removes the partial it left, even when that delivery was cancelled', { timeout: 120_000 }, async () => {
    const ftp = await server(slow);
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp) });
    writeFileSync(join(s.watch, 'big.cod'), big);
    const killed = await runAndKill(['--home', s.home, 'run', '--once', '--json'], 0, { env: s.env, after: () => partialBytes(s) > 100_000 });
    expect(killed.killed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the server's session notices and closes the file
    expect(remoteFiles(s)).toEqual([expect.stringMatching(/^ACME01\/statements\/\.big\.cod\.[0-9a-f]{12}\.partial$/)]);

    const id = queryDb<{ id: number }>(s.db, 'SELECT id FROM deliveries')[0]!.id;
    expect((await s.cli('cancel', String(id))).code).toBe(0);
    const next = await s.runOnce();
    expect(next.result.code).toBe(0);
    expect(remoteFiles(s)).toEqual([]);
  });

  it('a server that stops answering does not hang a delivery: before signing in and at the end of an upload, the attempt gives up in bounded time and the rerun delivers', { timeout: 120_000 }, async () => {
    const ftp = await server(slow);
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp), timeoutSeconds: 2 });
    writeFileSync(join(s.watch, 'big.cod'), big);

    ftp.freeze(); // the kernel still accepts the connection, but nothing answers
    const started = Date.now();
    const silent = await s.runOnce();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(silent.result.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'timeout' });
    expect(deliveries(s)[0]!.last_error_message).toMatch(/stopped answering \(nothing for 2 seconds\) while connecting to/);
    ftp.thaw();

    // Frozen once a tenth of the file reached the server: all of it already sits in the loopback
    // sockets' buffers, so Ledgerdrop waits for the server's confirmation — the timeout plus the
    // allowance for a slow server to read those buffers (drainAllowanceMs: 1 MB at 64 kB/s), not forever.
    expect((await s.cli('retry')).code).toBe(0);
    let frozenAt = 0;
    const stalled = await runAndAct(['--home', s.home, 'run', '--once', '--json'], 0, () => {
      ftp.freeze();
      frozenAt = Date.now();
    }, { env: s.env, after: () => partialBytes(s) > 100_000 });
    expect(stalled.acted).toBe(true);
    expect(Date.now() - frozenAt).toBeLessThan(2_000 + drainAllowanceMs(big.length) + 8_000);
    expect(stalled.code).toBe(3);
    expect(deliveries(s)[0]).toMatchObject({ state: 'waiting', last_error_code: 'timeout' });
    expect(deliveries(s)[0]!.last_error_message).toMatch(/while uploading .*big\.cod/);
    expect(existsSync(join(s.remote, 'ACME01/statements/big.cod'))).toBe(false);
    ftp.thaw();

    // Right away: vsftpd's session of the abandoned upload is still alive and holds its upload lock
    // on the partial file; the retry must not wait for it.
    expect((await s.cli('retry')).code).toBe(0);
    const rerun = await s.runOnce();
    expect(rerun.outcome.delivered, JSON.stringify(deliveries(s))).toEqual({ done: 1, waiting: 0, failed: 0 });
    expect(remoteFiles(s)).toEqual(['ACME01/statements/big.cod']);
    expect(sha256File(join(s.remote, 'ACME01/statements/big.cod'))).toBe(sha256(big));
  });
});

describe('FTP connector and what is already in the folder, through `ledgerdrop run --once`', () => {
  it('a read-only target folder fails that delivery without retrying and says what to do; the connection keeps working', { timeout: 60_000 }, async () => {
    const ftp = await server();
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp) });
    const locked = remoteFolder(s, 'ACME01/statements');
    chmodSync(locked, 0o555); // read-only: the FTP account (vsftpd runs its session as that account) cannot write there
    writeFileSync(join(s.watch, 'statement.cod'), codaStatement(12));

    const { result, outcome } = await s.runOnce();
    expect(result.code).toBe(3);
    expect(outcome.delivered).toEqual({ done: 0, waiting: 0, failed: 1 });
    const [failed] = deliveries(s);
    expect(failed).toMatchObject({ state: 'failed', last_error_code: 'permission-denied' });
    expect(failed!.last_error_message).toMatch(new RegExp(`refused to store ${locked}/statement\\.cod \\(it said: 553 .*\\)\\. This FTP account may not write in ${locked}.*then retry the delivery\\.`));
    expect(connectionStatus(s).status).toBe('connected');
    expect(remoteFiles(s)).toEqual([]); // no partial left either

    chmodSync(locked, 0o755);
    expect((await s.cli('retry')).code).toBe(0);
    expect((await s.runOnce()).outcome.delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
  });

  it('the same file already there counts as delivered (nothing sent again); a different file with the same name is kept and ours becomes "name (2)"', { timeout: 60_000 }, async () => {
    const ftp = await server();
    const s = await setup(ftp, { certFingerprint: fingerprintOf(ftp) });
    const folder = remoteFolder(s, 'ACME01/statements');
    const same = codaStatement(13);
    const ours = codaStatement(14);
    const theirs = codaStatement(15);
    writeFileSync(join(folder, 'same.cod'), same);
    writeFileSync(join(folder, 'taken.cod'), theirs);
    writeFileSync(join(s.watch, 'same.cod'), same);
    writeFileSync(join(s.watch, 'taken.cod'), ours);

    const { outcome } = await s.runOnce();
    expect(outcome.delivered).toEqual({ done: 2, waiting: 0, failed: 0 });
    expect(remoteFiles(s)).toEqual(['ACME01/statements/same.cod', 'ACME01/statements/taken (2).cod', 'ACME01/statements/taken.cod']);
    expect(readFileSync(join(folder, 'same.cod')).equals(same)).toBe(true);
    expect(readFileSync(join(folder, 'taken.cod')).equals(theirs)).toBe(true);
    expect(readFileSync(join(folder, 'taken (2).cod')).equals(ours)).toBe(true);
    const messages = queryDb<{ message: string }>(s.db, "SELECT message FROM activity WHERE event = 'delivery.done' ORDER BY id").map((row) => row.message);
    expect(messages).toContainEqual(expect.stringMatching(/^same\.cod delivered \(it was already there\): ftps:/));
    expect(messages).toContainEqual(expect.stringMatching(/^taken\.cod delivered: ftps:.*\/taken \(2\)\.cod$/));
    expect(await ftp.logs()).not.toMatch(/"STOR [^"]*same\.cod/);
  });
});
