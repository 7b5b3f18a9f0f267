/**
 * The SFTP connector's own behaviour against a real OpenSSH sshd on 127.0.0.1 (no mocks): what
 * `test()` reports, the no-overwrite rule under parallel sessions, reconnecting, connect retries,
 * bounded close, progress, the connection limit, advanced algorithm settings and the clean-up of
 * interrupted uploads. The end-to-end runs through `ledgerdrop` are in sftp-pipeline.test.ts.
 * Needs root and scripts/test-env.sh.
 */
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sftpConnector } from '../../src/main/connectors/sftp/index.ts';
import type { ConnectorContext, DeliveryClient, DeliveryDocument } from '../../src/main/connectors/types.ts';
import { DeliveryError } from '../../src/main/connectors/types.ts';
import { descendantProcesses } from '../helpers/process.ts';
import { startSshd, type SshdServer } from '../helpers/sshd.ts';
import { getTestUser } from '../helpers/test-user.ts';

const servers: SshdServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function server(options: Parameters<typeof startSshd>[0] = {}): Promise<SshdServer> {
  const started = await startSshd(options);
  servers.push(started);
  return started;
}

let contexts = 0;
/** A connection context as the outbox builds it, with the secrets in memory. */
function context(sshd: SshdServer, settings: Record<string, unknown>, secrets: Record<string, string> = { password: sshd.password }): ConnectorContext & { progressCalls: [number, number][] } {
  const progressCalls: [number, number][] = [];
  return {
    connectionId: `sftp-test-${++contexts}`,
    settings: { host: sshd.host, port: sshd.port, username: sshd.username, hostKey: sshd.hostKeyFingerprint, ...settings },
    secret: async (key) => secrets[key] ?? null,
    setSecret: async () => undefined,
    progress: (sent, total) => progressCalls.push([sent, total]),
    progressCalls,
  };
}

const client: DeliveryClient = { id: 'acme', name: 'ACME BV', accountingFileId: 'ACME01', fields: {} };

function doc(name: string, bytes: Uint8Array, id = createHash('sha256').update(bytes).digest('hex')): DeliveryDocument {
  return {
    deliveryId: `acme/conn/${id}/main`,
    sha256: id,
    family: 'statements',
    direction: null,
    kind: 'bank-statement',
    format: 'coda',
    originalName: name,
    receivedAt: '2026-03-01T10:00:00Z',
    meta: { number: '001', issueDate: '2026-02-28', supplier: null, customer: null },
    files: [{ name, bytes, mimeType: 'application/octet-stream' }],
  };
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  }
  throw new Error('expected a DeliveryError');
}

/** SIGKILLs (or SIGSTOPs / SIGCONTs) sshd's per-connection processes, leaving the listener alone. */
function signalSessions(sshd: SshdServer, signal: NodeJS.Signals): number {
  const sessions = descendantProcesses(sshd.pid);
  for (const { pid } of sessions) process.kill(pid, signal);
  return sessions.length;
}

describe('SFTP connector against OpenSSH', () => {
  it('test(): reports a folder the account may not write in, and checks the folder that exists when the rest is still to be created', async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const locked = join(remote, 'locked');
    mkdirSync(locked); // root's, 0755

    const refused = await sftpConnector.test(context(sshd, { uploadPath: `${locked}/[accounting_file_id]` }));
    expect(refused.ok).toBe(false);
    expect(refused.message).toBe(
      `127.0.0.1:${sshd.port} does not let "ledgerdrop-test" write in ${locked} (permission denied). Ask whoever manages the server to give this account write access to ${locked}, or change the upload path in the connection settings; then test again.`,
    );
    expect(refused.facts).toMatchObject({ hostKey: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519' });

    const fine = await sftpConnector.test(context(sshd, { uploadPath: `${remote}/new/deeper/[year]` }));
    expect(fine).toMatchObject({ ok: true, facts: { folder: `${remote}/new/deeper`, example: `sftp://ledgerdrop-test@127.0.0.1:${sshd.port}${remote}/new/deeper/2025/F2025-0117.xml` } });
    expect(fine.message).toContain(`Ledgerdrop can write in ${remote}. The folder ${remote}/new/deeper does not exist yet`);
    expect(readdirSync(remote)).toEqual(['locked']); // probe removed, nothing created

    const noSecret = await sftpConnector.test(context(sshd, { uploadPath: remote }, {}));
    expect(noSecret).toMatchObject({ ok: false, facts: { hostKey: sshd.hostKeyFingerprint } });
    expect(noSecret.message).toMatch(/no password or private key is stored for this connection/);
    expect(sshd.logs()).not.toMatch(/Failed (password|none)/);
  });

  it('never replaces a file: parallel sessions delivering different files under one name keep them all; the same bytes are delivered once', { timeout: 60_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const ctx = context(sshd, { uploadPath: remote, connections: 6 });
    const sessions = await Promise.all(Array.from({ length: 6 }, () => sftpConnector.openSession!(ctx)));
    const different = Array.from({ length: 12 }, (_, i) => Buffer.from(`statement ${i}\n`.repeat(1000 + i)));
    const same = Buffer.from('the same statement\n'.repeat(500));
    try {
      // Each round: every session delivers "statement.cod" with its own bytes, at the same moment.
      for (let round = 0; round < 2; round++) {
        const receipts = await Promise.all(sessions.map((session, i) => session.deliver(doc('statement.cod', different[round * 6 + i]!), client)));
        expect(receipts.every((r) => r.alreadyThere === false)).toBe(true);
      }
      // The same bytes from every session (another client, say): one copy, the others "already there".
      const twins = await Promise.all(sessions.map((session, i) => session.deliver(doc('twin.cod', same, `twin-${i}`), client)));
      expect(twins.filter((r) => !r.alreadyThere)).toHaveLength(1);
      expect(new Set(twins.map((r) => r.remoteRef))).toEqual(new Set([`sftp://ledgerdrop-test@127.0.0.1:${sshd.port}${remote}/twin.cod`]));
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
    }
    const names = readdirSync(remote).sort();
    expect(names).toEqual(['statement (10).cod', 'statement (11).cod', 'statement (12).cod', ...Array.from({ length: 8 }, (_, i) => `statement (${i + 2}).cod`), 'statement.cod', 'twin.cod'].sort());
    const contents = new Set(names.filter((n) => n.startsWith('statement')).map((n) => readFileSync(join(remote, n)).toString()));
    expect(contents).toEqual(new Set(different.map((b) => b.toString())));

    // Delivered again later (a retry after a success nobody heard of): already there, nothing written.
    const again = await sftpConnector.deliver(doc('statement.cod', different[7]!), client, ctx);
    expect(again.alreadyThere).toBe(true);
    expect(readdirSync(remote)).toHaveLength(names.length);
  });

  it('reconnects a session whose connection dropped between documents, and reports progress for a large file', { timeout: 60_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const ctx = context(sshd, { uploadPath: `${remote}/[family]` });
    const session = await sftpConnector.openSession!(ctx);
    try {
      await session.deliver(doc('first.cod', Buffer.from('first')), client);
      expect(signalSessions(sshd, 'SIGKILL')).toBeGreaterThan(0); // the server drops the idle connection
      await new Promise((resolve) => setTimeout(resolve, 200));
      const big = Buffer.alloc(5 * 1024 * 1024 + 123, 7);
      ctx.progressCalls.length = 0;
      const receipt = await session.deliver(doc('second.cod', big), client);
      expect(receipt.remoteRef).toBe(`sftp://ledgerdrop-test@127.0.0.1:${sshd.port}${remote}/statements/second.cod`);
      expect(readFileSync(join(remote, 'statements/second.cod')).equals(big)).toBe(true);
      const sent = ctx.progressCalls.map(([bytes]) => bytes);
      expect(ctx.progressCalls.every(([, total]) => total === big.length)).toBe(true);
      expect(sent.length).toBeGreaterThanOrEqual(5);
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
      expect(sent.at(-1)).toBe(big.length);
    } finally {
      await session.close();
    }
    expect(sshd.logs().match(/Accepted password/g)).toHaveLength(2);
  });

  it('connecting is retried with a pause when the server is restarting, but a refused password is not', { timeout: 60_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    await sshd.kill();
    const opening = sftpConnector.openSession!(context(sshd, { uploadPath: remote }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sshd.restart();
    const session = await opening;
    await session.deliver(doc('after-restart.cod', Buffer.from('x')), client);
    await session.close();
    expect(existsSync(join(remote, 'after-restart.cod'))).toBe(true);

    const refused = await failure(sftpConnector.openSession!(context(sshd, { uploadPath: remote }, { password: 'not-it' })));
    expect(refused).toMatchObject({ failure: 'fatal-connection', code: 'auth-failed' });
    expect(sshd.logs().match(/Failed password/g)).toHaveLength(1);
  });

  it('close() returns within seconds when the server stops answering', { timeout: 30_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const session = await sftpConnector.openSession!(context(sshd, { uploadPath: remote }));
    await session.deliver(doc('one.cod', Buffer.from('one')), client);
    expect(signalSessions(sshd, 'SIGSTOP')).toBeGreaterThan(0);
    try {
      const started = Date.now();
      await session.close();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      signalSessions(sshd, 'SIGCONT');
    }
  });

  it('the connection limit: with connections = 1 a second session waits until the first is closed', { timeout: 30_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const ctx = context(sshd, { uploadPath: remote, connections: 1 });
    const first = await sftpConnector.openSession!(ctx);
    let secondOpen = false;
    const second = sftpConnector.openSession!(ctx).then((session) => {
      secondOpen = true;
      return session;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(secondOpen).toBe(false);
    await first.close();
    const session = await second;
    await session.deliver(doc('limited.cod', Buffer.from('limited')), client);
    await session.close();
    expect(sshd.logs().match(/Accepted password/g)).toHaveLength(2);
  });

  it('advanced algorithm settings: a chosen cipher works; none in common and unknown names are explained', { timeout: 30_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    expect(await sftpConnector.test(context(sshd, { uploadPath: remote, ciphers: 'aes256-ctr', kex: '+diffie-hellman-group14-sha256' }))).toMatchObject({ ok: true });

    const none = await sftpConnector.test(context(sshd, { uploadPath: remote, kex: 'diffie-hellman-group1-sha1' }));
    expect(none.ok).toBe(false);
    expect(none.message).toMatch(/^127\.0\.0\.1:\d+ and Ledgerdrop have no key-exchange method in common, .* set them under the connection's advanced settings/);
    const unknown = await failure(sftpConnector.openSession!(context(sshd, { uploadPath: remote, ciphers: 'rot13' })));
    expect(unknown).toMatchObject({ failure: 'fatal-connection', code: 'invalid-algorithms' });
    expect(unknown.message).toContain('(rot13)');
  });

  it('cleanupInterrupted removes our partial files where the connection writes (whatever their age) and nothing else', { timeout: 30_000 }, async () => {
    const sshd = await server();
    const remote = await sshd.makeUploadDir();
    const ctx = context(sshd, { uploadPath: `${remote}/import/[accounting_file_id]/[year]` });
    const folder = join(remote, 'import/ACME01/2026');
    mkdirSync(folder, { recursive: true });
    for (const dir of ['import', 'import/ACME01', 'import/ACME01/2026']) chownSync(join(remote, dir), getTestUser().uid, getTestUser().gid);
    const ours = ['.statement.cod.0123456789ab.partial', '.INV-1.xml.abcdefabcdef.partial'];
    const theirs = ['statement.cod', '.notes.partial', 'x.0123456789ab.partial'];
    for (const name of [...ours, ...theirs]) writeFileSync(join(folder, name), name);
    writeFileSync(join(remote, 'import', ours[0]!), 'above the client folders: not ours to look at');

    expect(await sftpConnector.cleanupInterrupted!([client], ctx)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual([...theirs].sort());
    expect(existsSync(join(remote, 'import', ours[0]!))).toBe(true);

    await sshd.kill();
    expect(await sftpConnector.cleanupInterrupted!([client], ctx)).toBe(false); // unreachable: ask again later
  });
});
