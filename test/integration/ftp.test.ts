/**
 * The FTP connector's own API (deliver, sessions, test, cleanupInterrupted) against a real vsftpd
 * on 127.0.0.1 with explicit TLS: what the end-to-end tests in ftp-pipeline.test.ts cannot reach
 * precisely — a stall in the middle of a large transfer, progress, folders the account may not
 * create, sessions, concurrent workers, the connection test's answers. Needs root and
 * scripts/test-env.sh.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ftpConnector } from '../../src/main/connectors/ftp/index.ts';
import type { ConnectorContext, DeliveryClient, DeliveryDocument } from '../../src/main/connectors/types.ts';
import { DeliveryError } from '../../src/main/connectors/types.ts';
import { filesUnder, sha256 } from '../helpers/crash.ts';
import { startFtpServer, type FtpServer } from '../helpers/ftp.ts';
import { getTestUser } from '../helpers/test-user.ts';
import { mountTmpfs, tmpfsProblem, unmountAll } from '../helpers/tmpfs.ts';

const servers: FtpServer[] = [];
afterEach(async () => {
  unmountAll();
  for (const server of servers.splice(0)) await server.stop();
});

async function server(options: Parameters<typeof startFtpServer>[0] = { tls: true }): Promise<FtpServer> {
  const started = await startFtpServer(options);
  servers.push(started);
  return started;
}

const fingerprintOf = (ftp: FtpServer): string => new X509Certificate(ftp.caCert!).fingerprint256;

function context(ftp: FtpServer, settings: Record<string, unknown>, extra: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    connectionId: 'office-ftp',
    settings: { host: ftp.host, port: ftp.port, username: ftp.username, certFingerprint: fingerprintOf(ftp), ...settings },
    secret: async (key) => (key === 'password' ? ftp.password : null),
    setSecret: async () => undefined,
    ...extra,
  };
}

let nextDelivery = 1;
function doc(files: { name: string; bytes: Uint8Array }[], family: 'invoices' | 'statements' = 'statements'): DeliveryDocument {
  return {
    deliveryId: `acme/office-ftp/${nextDelivery++}/main`,
    sha256: sha256(files[0]!.bytes),
    family,
    direction: null,
    kind: family === 'statements' ? 'bank-statement' : 'invoice',
    format: null,
    originalName: files[0]!.name,
    receivedAt: '2026-03-05T10:00:00Z',
    meta: { number: null, issueDate: null, supplier: null, customer: null },
    files: files.map((file) => ({ ...file, mimeType: 'application/octet-stream' })),
  };
}

const acme: DeliveryClient = { id: 'acme', name: 'ACME BV', accountingFileId: 'ACME01', fields: {} };

/** Deterministic bytes (sha256 chains), `size` long. */
function bytesOf(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = Buffer.from(sha256(Buffer.from(seed)), 'hex');
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = Buffer.from(sha256(block), 'hex');
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

/** A folder under `dir` owned by the FTP account. */
function accountFolder(dir: string, name: string, mode = 0o755): string {
  const path = join(dir, name);
  mkdirSync(path);
  chownSync(path, getTestUser().uid, getTestUser().gid);
  chmodSync(path, mode);
  return path;
}

describe('FTP connector against vsftpd', () => {
  it('reports progress for a large file and a document of two files, up to exactly the total', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const seen: [number, number][] = [];
    const ctx = context(ftp, { folder: dir }, { progress: (sent, total) => seen.push([sent, total]) });
    const xml = bytesOf(3_000_000, 'xml');
    const pdf = bytesOf(700_000, 'pdf');
    const receipt = await ftpConnector.deliver(doc([{ name: 'INV-1.xml', bytes: xml }, { name: 'INV-1.pdf', bytes: pdf }], 'invoices'), acme, ctx);

    const total = xml.length + pdf.length;
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.map(([sent]) => sent)).toEqual([...seen.map(([sent]) => sent)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual([total, total]);
    expect(seen.some(([sent]) => sent > 0 && sent < xml.length)).toBe(true);
    expect(receipt.remoteRef.split('\n')).toEqual([`ftps://127.0.0.1:${ftp.port}${dir}/ACME01/invoices/INV-1.xml`, `ftps://127.0.0.1:${ftp.port}${dir}/ACME01/invoices/INV-1.pdf`]);
    expect(readFileSync(join(dir, 'ACME01/invoices/INV-1.xml')).equals(xml)).toBe(true);
    expect(readFileSync(join(dir, 'ACME01/invoices/INV-1.pdf')).equals(pdf)).toBe(true);
  });

  it('gives up on a transfer that stalls in the middle after the timeout, and leaves nothing under the final name', { timeout: 60_000 }, async () => {
    // 40 MB at 4 MB/s: far more than the sockets can buffer, so a frozen server stalls our writes.
    const ftp = await server({ tls: true, extraConfig: ['local_max_rate=4000000'] });
    const dir = await ftp.makeUploadDir();
    const big = bytesOf(40_000_000, 'big');
    const ctx = context(ftp, { folder: dir, timeoutSeconds: 2 });
    const delivery = ftpConnector.deliver(doc([{ name: 'big.cod', bytes: big }]), acme, ctx);
    const partial = () => filesUnder(dir).find((f) => f.endsWith('.partial'));
    for (const started = Date.now(); Date.now() - started < 20_000; ) {
      const name = partial();
      if (name && statSync(join(dir, name)).size > 2_000_000) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    ftp.freeze();
    const frozenAt = Date.now();
    const error = await rejection(delivery);
    const waited = Date.now() - frozenAt;
    ftp.thaw();
    expect(error).toMatchObject({ failure: 'retry', code: 'timeout' });
    expect(error.message).toMatch(/stopped answering \(nothing for 2 seconds\) while uploading .*big\.cod/);
    expect(waited).toBeGreaterThanOrEqual(1_500);
    expect(waited).toBeLessThan(8_000);
    expect(filesUnder(dir).filter((f) => !f.endsWith('.partial'))).toEqual([]);
  });

  it('gives up when the server does not even greet, and when it is down', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    ftp.freeze();
    const started = Date.now();
    const silent = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { folder: dir, timeoutSeconds: 1 })));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(silent).toMatchObject({ failure: 'retry', code: 'timeout' });
    expect(silent.message).toMatch(/while connecting to 127\.0\.0\.1:\d+/);
    await ftp.kill();
    const down = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { folder: dir })));
    expect(down).toMatchObject({ failure: 'retry', code: 'unreachable' });
    expect(down.message).toMatch(/^Nothing answers at 127\.0\.0\.1:\d+ \(the connection was refused\)\. Check the server name and port/);
    expect(await ftpConnector.cleanupInterrupted!([acme], context(ftp, { folder: dir }))).toBe(false);
  });

  it('gives up on a server that accepts AUTH TLS and then never completes the TLS handshake', async () => {
    // vsftpd cannot be stopped at exactly that point: a few lines of FTP that answer and then go silent.
    const silent = net.createServer((socket) => {
      socket.write('220 Hello\r\n');
      socket.on('data', (data) => {
        if (String(data).startsWith('AUTH TLS')) socket.write('234 Proceed with negotiation.\r\n'); // and then nothing
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const error = await rejection(
        ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, {
          connectionId: 'office-ftp',
          settings: { host: '127.0.0.1', port, username: 'acme', timeoutSeconds: 1 },
          secret: async () => 'secret',
          setSecret: async () => undefined,
        }),
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toMatchObject({ failure: 'retry', code: 'timeout' });
      expect(error.message).toMatch(/stopped answering \(nothing for 1 seconds\) while starting encryption \(AUTH TLS\) with 127\.0\.0\.1:\d+/);
    } finally {
      silent.close();
    }
  });

  it('implicit TLS against an explicit-TLS port says to check the security setting', async () => {
    const ftp = await server();
    const error = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { security: 'implicit-tls', port: ftp.port })));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'tls-failed' });
    expect(error.message).toMatch(/^The encrypted connection to 127\.0\.0\.1:\d+ failed while connecting to 127\.0\.0\.1:\d+ \(wrong version number\)\. Check the security setting/);
  });

  it('plain FTP to a server that requires encryption says to switch it on (not "wrong password")', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const error = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { folder: dir, security: 'none', allowPlainFtp: true })));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'tls-required' });
    expect(error.message).toContain('requires encryption (it said: 530 Non-anonymous sessions must use encryption.). Set security to explicit-tls');
  });

  it.skipIf(tmpfsProblem() !== null)('a full disk on the server is retried later, and the partial is removed', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const { uid, gid } = getTestUser();
    mountTmpfs(dir, `size=256k,mode=0755,uid=${uid},gid=${gid}`);
    const error = await rejection(ftpConnector.deliver(doc([{ name: 'big.cod', bytes: bytesOf(1_000_000, 'full') }]), acme, context(ftp, { folder: dir })));
    expect(error).toMatchObject({ failure: 'retry' });
    expect(error.message).toMatch(/could not finish uploading .*big\.cod for now \(it said: 451 Failure writing to local file\.\)\. Ledgerdrop will try again by itself\./);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('a folder the account may not create fails that delivery (no retry) with what to do', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    accountFolder(dir, 'ACME01', 0o555);
    const error = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { folder: dir })));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'folder-create-failed' });
    expect(error.message).toBe(
      `The FTP server 127.0.0.1:${ftp.port} refused to create the folder ${dir}/ACME01/statements (it said: 550 Create directory operation failed.). Either this FTP account may not create folders in ${dir}/ACME01, or a file named statements is in the way. Give the account that right, create the folder yourself or remove the file, then retry the delivery.`,
    );
  });

  it('the connection folder must exist (fatal for the connection); a client folder of its own too (that client only); relative subfolders are created', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const missing = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), acme, context(ftp, { folder: `${dir}/nope` })));
    expect(missing).toMatchObject({ failure: 'fatal-connection', code: 'destination-missing' });
    expect(missing.message).toContain(`The folder ${dir}/nope does not exist on the FTP server`);

    const ctx = context(ftp, { folder: dir, pathTemplate: '[family]/[original_name]' });
    const own = await rejection(ftpConnector.deliver(doc([{ name: 's.cod', bytes: bytesOf(10, 's') }]), { ...acme, fields: { subfolder: `${dir}/elsewhere` } }, ctx));
    expect(own).toMatchObject({ failure: 'no-retry', code: 'destination-missing' });
    expect(own.message).toContain('set for ACME BV does not exist');

    accountFolder(dir, 'elsewhere');
    await ftpConnector.deliver(doc([{ name: 'a.cod', bytes: bytesOf(10, 'a') }]), { ...acme, fields: { subfolder: `${dir}/elsewhere` } }, ctx);
    await ftpConnector.deliver(doc([{ name: 'b.cod', bytes: bytesOf(10, 'b') }]), { ...acme, fields: { subfolder: 'Klanten/ACME' } }, ctx);
    expect(filesUnder(dir)).toEqual(['Klanten/ACME/statements/b.cod', 'elsewhere/statements/a.cod']);
  });

  it('a session signs in once for many documents, and signs in again when the server closed it while idle', { timeout: 30_000 }, async () => {
    const ftp = await server({ tls: true, extraConfig: ['idle_session_timeout=1'] });
    const dir = await ftp.makeUploadDir();
    const session = await ftpConnector.openSession!(context(ftp, { folder: dir }));
    try {
      for (let i = 1; i <= 5; i++) await session.deliver(doc([{ name: `s${i}.cod`, bytes: bytesOf(100, `s${i}`) }]), acme);
      expect((await ftp.logs()).match(/OK LOGIN/g)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // vsftpd: "421 Timeout." and closes
      await session.deliver(doc([{ name: 's6.cod', bytes: bytesOf(100, 's6') }]), acme);
    } finally {
      await session.close();
    }
    expect((await ftp.logs()).match(/OK LOGIN/g)).toHaveLength(2);
    expect(filesUnder(dir)).toHaveLength(6);
  });

  it('two workers putting different files of the same name in one folder at once keep both', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const ctx = context(ftp, { folder: dir });
    const sessions = await Promise.all([ftpConnector.openSession!(ctx), ftpConnector.openSession!(ctx), ftpConnector.openSession!(ctx)]);
    const contents = [bytesOf(200_000, 'one'), bytesOf(200_000, 'two'), bytesOf(200_000, 'three')];
    try {
      const receipts = await Promise.all(sessions.map((session, i) => session.deliver(doc([{ name: 'same.cod', bytes: contents[i]! }]), acme)));
      expect(receipts.map((r) => r.remoteRef.replace(/^.*\//, '')).sort()).toEqual(['same (2).cod', 'same (3).cod', 'same.cod']);
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
    }
    const onServer = filesUnder(join(dir, 'ACME01/statements')).map((f) => sha256(readFileSync(join(dir, 'ACME01/statements', f)))).sort();
    expect(onServer).toEqual(contents.map((c) => sha256(c)).sort());
  });

  it('stops at once when the delivery is aborted (the app quits)', async () => {
    const ftp = await server({ tls: true, extraConfig: ['local_max_rate=500000'] });
    const dir = await ftp.makeUploadDir();
    const controller = new AbortController();
    const delivery = ftpConnector.deliver(doc([{ name: 'big.cod', bytes: bytesOf(5_000_000, 'abort') }]), acme, context(ftp, { folder: dir }, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    controller.abort(new Error('quitting'));
    await expect(delivery).rejects.toThrow('quitting');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('FTP connection test', () => {
  it('proves the folder is writable and renamable, shows what it found, and leaves nothing behind', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const result = await ftpConnector.test(context(ftp, { folder: dir, pathTemplate: '[accounting_file_id]/[year]/[original_name]' }));
    expect(result).toEqual({
      ok: true,
      message: `Connected to 127.0.0.1:${ftp.port} with encryption, signed in, and the folder ${dir} is writable.`,
      facts: {
        server: `ftps://127.0.0.1:${ftp.port}`,
        security: expect.stringMatching(/^explicit TLS \(TLSv1\.[23]\)$/),
        certificate: expect.stringMatching(/^CN=localhost, O=Ledgerdrop test suite \(issued by CN=localhost.*\): the certificate you accepted$/),
        certificateFingerprint: `SHA-256 ${fingerprintOf(ftp)}`,
        folder: dir,
        example: `ftps://127.0.0.1:${ftp.port}${dir}/DOS-0042/2025/F2025-0117.xml`,
      },
    });
    expect(filesUnder(dir)).toEqual([]);
    expect(await ftp.logs()).toMatch(/OK RENAME/);
  });

  it('says what is wrong: a read-only folder, a missing folder, a wrong password, no password, a plain-FTP choice not confirmed', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const locked = accountFolder(dir, 'locked', 0o555);
    const readOnly = await ftpConnector.test(context(ftp, { folder: locked }));
    expect(readOnly).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`^Signed in to 127\\.0\\.0\\.1:\\d+, but this account may not write in ${locked} \\(the server said: 553 Could not create file\\.\\)\\. Give the FTP account write access there`)) });
    expect((await ftpConnector.test(context(ftp, { folder: `${dir}/missing` }))).message).toContain(`the folder ${dir}/missing does not exist there`);
    const wrong = await ftpConnector.test(context(ftp, { folder: dir }, { secret: async () => 'not-the-password' }));
    expect(wrong).toEqual({ ok: false, message: expect.stringContaining('refused the user name "ledgerdrop-test" or its password (it said: 530 Login incorrect.)') });
    expect(wrong.message).not.toContain('not-the-password');
    expect((await ftpConnector.test(context(ftp, { folder: dir }, { secret: async () => null }))).message).toMatch(/^No password is stored for this FTP connection/);
    expect((await ftpConnector.test(context(ftp, { folder: dir, security: 'none' }))).message).toMatch(/^This connection is set to plain FTP without encryption/);
  });
});

describe('FTP cleanupInterrupted', () => {
  it('removes our partial files as deep as the template reaches (and in clients’ own folders), nothing else', async () => {
    const ftp = await server();
    const dir = await ftp.makeUploadDir();
    const nested = join(dir, 'ACME01', 'statements');
    mkdirSync(nested, { recursive: true });
    const own = join(dir, 'own');
    mkdirSync(own);
    const ours = [join(nested, '.a.cod.0123456789ab.partial'), join(dir, '.ledgerdrop-test.a1b2c3d4e5f6.partial'), join(own, '.x.xml.ffffffffffff.partial')];
    const theirs = [join(nested, 'a.cod'), join(nested, 'b.partial'), join(nested, '.c.partial'), join(nested, '.d.cod.notours.partial')];
    for (const file of [...ours, ...theirs]) writeFileSync(file, 'x');
    for (const path of [join(dir, 'ACME01'), nested, own, ...ours, ...theirs]) chownSync(path, getTestUser().uid, getTestUser().gid);

    const ctx = context(ftp, { folder: dir });
    expect(await ftpConnector.cleanupInterrupted!([acme, { ...acme, id: 'b', fields: { subfolder: own } }], ctx)).toBe(true);
    expect(filesUnder(dir).sort()).toEqual(theirs.map((f) => f.slice(dir.length + 1)).sort());
    // Not configured: nothing of ours can be there.
    expect(await ftpConnector.cleanupInterrupted!([acme], { ...ctx, settings: {} })).toBe(true);
  });
});
