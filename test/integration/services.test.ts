/**
 * Proves the real-server helpers work with real clients: OpenSSH sshd (sftp -b), vsftpd (basic-ftp
 * over explicit TLS) and smtp-server (nodemailer over STARTTLS + AUTH). Needs root and
 * scripts/test-env.sh.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Client as FtpClient } from 'basic-ftp';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFtpServer } from '../helpers/ftp.ts';
import type { FtpServer } from '../helpers/ftp.ts';
import { descendantProcesses, isPidAlive, isPidRunning, runCommand } from '../helpers/process.ts';
import { startSmtpServer } from '../helpers/smtp.ts';
import type { TestSmtpServer } from '../helpers/smtp.ts';
import { startSshd } from '../helpers/sshd.ts';
import type { SshdServer } from '../helpers/sshd.ts';
import { getTestUser } from '../helpers/test-user.ts';

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ledgerdrop-services-test-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('startSshd: OpenSSH sshd with internal-sftp', () => {
  let sshd: SshdServer;
  let knownHosts = '';
  let askpass = '';

  beforeAll(async () => {
    sshd = await startSshd({ rsaKey: true });
    knownHosts = path.join(scratch, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    // OpenSSH ≥ 8.4 asks this program for the password when SSH_ASKPASS_REQUIRE=force (no tty, no sshpass).
    askpass = path.join(scratch, 'askpass.sh');
    await writeFile(askpass, '#!/bin/sh\nprintf "%s\\n" "$LEDGERDROP_TEST_PASSWORD"\n');
    await chmod(askpass, 0o700);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  type Auth = { key: string } | { password: string };
  function sftp(batch: string, auth: Auth, extra: string[] = []) {
    const common = [
      // sftp -b implies BatchMode=yes (no password prompts); ssh uses the first value given, so override it first.
      ...('key' in auth ? [] : ['-o', 'BatchMode=no']),
      '-F', '/dev/null', '-b', '-', '-P', String(sshd.port),
      '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
      '-o', 'ConnectTimeout=10',
    ];
    const authArgs =
      'key' in auth
        ? ['-i', auth.key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'PreferredAuthentications=publickey']
        : ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1'];
    const env =
      'key' in auth
        ? process.env
        : { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', LEDGERDROP_TEST_PASSWORD: auth.password };
    return runCommand('sftp', [...common, ...authArgs, ...extra, `${sshd.username}@${sshd.host}`], { input: batch, env, allowFailure: true });
  }

  it('accepts the generated ed25519 key: sftp -b uploads a file that lands in root, owned by the test account', async () => {
    const dir = await sshd.makeUploadDir();
    expect(path.dirname(dir)).toBe(sshd.root);
    const local = path.join(scratch, 'invoice-ed25519.xml');
    const bytes = randomBytes(200_000);
    await writeFile(local, bytes);

    const result = await sftp(`put ${local} ${path.basename(dir)}/invoice.xml\nls -l ${path.basename(dir)}\n`, { key: sshd.privateKeyPath });
    expect(result.code, result.stderr).toBe(0);

    const landed = path.join(dir, 'invoice.xml');
    expect((await readFile(landed)).equals(bytes)).toBe(true);
    expect((await stat(landed)).uid).toBe(getTestUser().uid);
    expect(sshd.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(sshd.logs()).toMatch(/Accepted publickey for ledgerdrop-test .* ED25519/);
  });

  it('accepts the optional RSA PEM key', async () => {
    expect(sshd.rsaPrivateKey).toContain('BEGIN RSA PRIVATE KEY');
    const dir = await sshd.makeUploadDir();
    const local = path.join(scratch, 'statement-rsa.csv');
    await writeFile(local, 'date;amount\n2026-11-21;12.34\n');
    const result = await sftp(`put ${local} ${dir}/statement.csv\n`, { key: sshd.rsaPrivateKeyPath ?? '' });
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'statement.csv'), 'utf8')).toBe('date;amount\n2026-11-21;12.34\n');
    expect(sshd.logs()).toMatch(/Accepted publickey for ledgerdrop-test .* RSA/);
  });

  it('accepts the generated password', async () => {
    const dir = await sshd.makeUploadDir();
    const local = path.join(scratch, 'password-upload.txt');
    await writeFile(local, 'uploaded with a password');
    const result = await sftp(`put ${local} ${dir}/p.txt\n`, { password: sshd.password });
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'p.txt'), 'utf8')).toBe('uploaded with a password');
    expect(sshd.logs()).toMatch(/Accepted password for ledgerdrop-test/);
  });

  it('refuses a wrong password', async () => {
    const dir = await sshd.makeUploadDir();
    const result = await sftp(`mkdir ${dir}/should-not-exist\n`, { password: `${sshd.password}-wrong` });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Permission denied/);
    await expect(stat(path.join(dir, 'should-not-exist'))).rejects.toThrow(/ENOENT/);
    expect(sshd.logs()).toMatch(/Failed password for ledgerdrop-test/);
  });

  it('refuses a key that is not authorized', async () => {
    const stranger = path.join(scratch, 'stranger_ed25519');
    await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const result = await sftp('pwd\n', { key: stranger });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Permission denied/);
  });

  it('reports the host key fingerprint that ssh-keyscan + ssh-keygen -lf - see', async () => {
    expect(sshd.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const scan = await runCommand('ssh-keyscan', ['-p', String(sshd.port), '-t', 'ed25519', sshd.host]);
    expect(scan.stdout).toContain(sshd.hostPublicKey);
    const listed = await runCommand('ssh-keygen', ['-lf', '-'], { input: scan.stdout });
    expect(listed.stdout.trim().split(/\s+/)[1]).toBe(sshd.hostKeyFingerprint);
  });

  it('restart() keeps port and host key; replaceHostKey() changes the key, and OpenSSH notices', async () => {
    const before = { port: sshd.port, fingerprint: sshd.hostKeyFingerprint, pid: sshd.pid };
    await sshd.restart();
    expect(isPidAlive(before.pid)).toBe(false);
    expect(sshd.pid).not.toBe(before.pid);
    expect(sshd.port).toBe(before.port);
    expect(sshd.hostKeyFingerprint).toBe(before.fingerprint);
    expect((await sftp('pwd\n', { key: sshd.privateKeyPath })).code).toBe(0);

    const changed = await sshd.replaceHostKey();
    expect(changed).not.toBe(before.fingerprint);
    expect(sshd.hostKeyFingerprint).toBe(changed);
    const scan = await runCommand('ssh-keyscan', ['-p', String(sshd.port), '-t', 'ed25519', sshd.host]);
    const listed = await runCommand('ssh-keygen', ['-lf', '-'], { input: scan.stdout });
    expect(listed.stdout).toContain(changed);

    const refused = await sftp('pwd\n', { key: sshd.privateKeyPath });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);

    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    expect((await sftp('pwd\n', { key: sshd.privateKeyPath })).code).toBe(0);
  });

  it('stop() ends sshd and its open sessions: the PIDs are gone and the port is closed', async () => {
    const { pid, port, host } = sshd;
    expect(isPidAlive(pid)).toBe(true);
    // An interactive sftp session that is still open when the server stops.
    const client = spawn('sftp', ['-F', '/dev/null', '-P', String(port), '-i', sshd.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, `${sshd.username}@${host}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    const sessionsStarted = (): number => sshd.logs().split("Starting session: subsystem 'sftp'").length - 1;
    const before = sessionsStarted();
    try {
      const deadline = Date.now() + 10_000;
      while (sessionsStarted() === before) {
        if (Date.now() > deadline) throw new Error(`no sftp session appeared under sshd ${pid}\n${sshd.logs()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sessions = descendantProcesses(pid).map((p) => p.pid);
      expect(sessions.length).toBeGreaterThan(0);
      await sshd.stop();
      expect(isPidAlive(pid)).toBe(false);
      expect(sessions.filter(isPidRunning)).toEqual([]);
      expect(await connects(host, port)).toBe(false);
    } finally {
      client.kill('SIGKILL');
    }
  });
});

describe('startFtpServer({ tls: true }): vsftpd with explicit TLS', () => {
  let ftp: FtpServer;
  const clients: FtpClient[] = [];

  function client(): FtpClient {
    const c = new FtpClient(10_000);
    clients.push(c);
    return c;
  }
  function access(c: FtpClient, overrides: { password?: string; secure?: boolean; ca?: string[] } = {}) {
    return c.access({
      host: ftp.host,
      port: ftp.port,
      user: ftp.username,
      password: overrides.password ?? ftp.password,
      secure: overrides.secure ?? true,
      secureOptions: overrides.ca ? { ca: overrides.ca } : { ca: [ftp.caCert ?? ''] },
    });
  }

  beforeAll(async () => {
    ftp = await startFtpServer({ tls: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await ftp?.stop();
  });

  it('uploads over FTPS (TLS control and data), lists, and the bytes land identical in root', async () => {
    expect(ftp.caCert).toContain('BEGIN CERTIFICATE');
    const dir = await ftp.makeUploadDir();
    expect(path.dirname(dir)).toBe(ftp.root);
    const c = client();
    await access(c);
    expect((c.ftp.socket as TLSSocket).encrypted).toBe(true);

    const bytes = randomBytes(300_000);
    await c.cd(path.basename(dir));
    await c.uploadFrom(Readable.from([bytes]), 'Rechnung-ÄÖ.pdf');
    const listing = await c.list();
    expect(listing.map((f) => [f.name, f.size])).toEqual([['Rechnung-ÄÖ.pdf', bytes.length]]);

    const landed = path.join(dir, 'Rechnung-ÄÖ.pdf');
    expect((await readFile(landed)).equals(bytes)).toBe(true);
    expect((await stat(landed)).uid).toBe(getTestUser().uid);

    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    await c.downloadTo(sink, 'Rechnung-ÄÖ.pdf');
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    c.close();
  });

  it('refuses a wrong password with 530', async () => {
    await expect(access(client(), { password: `${ftp.password}-wrong` })).rejects.toMatchObject({ code: 530 });
  });

  it('refuses plain FTP logins because TLS is forced', async () => {
    await expect(access(client(), { secure: false })).rejects.toMatchObject({ code: 530, message: expect.stringMatching(/encryption/i) });
  });

  it('its certificate is not trusted without caCert', async () => {
    await expect(access(client(), { ca: [] })).rejects.toThrow(/self[- ]signed/i);
  });

  it('stop() ends vsftpd and its open sessions: the PIDs are gone and the port is closed', async () => {
    const { pid, port, host } = ftp;
    expect(isPidAlive(pid)).toBe(true);
    await access(client()); // stays logged in while the server stops
    const sessions = descendantProcesses(pid).map((p) => p.pid);
    expect(sessions.length).toBeGreaterThan(0);
    await ftp.stop();
    expect(isPidAlive(pid)).toBe(false);
    expect(sessions.filter(isPidRunning)).toEqual([]);
    expect(await connects(host, port)).toBe(false);
  });
});

describe('startFtpServer(): vsftpd without TLS', () => {
  let ftp: FtpServer;

  beforeAll(async () => {
    ftp = await startFtpServer();
  });
  afterAll(async () => {
    await ftp?.stop();
  });

  it('uploads over plain FTP', async () => {
    expect(ftp.caCert).toBeUndefined();
    const dir = await ftp.makeUploadDir();
    const c = new FtpClient(10_000);
    try {
      await c.access({ host: ftp.host, port: ftp.port, user: ftp.username, password: ftp.password });
      await c.uploadFrom(Readable.from([Buffer.from('<Invoice/>')]), `${dir}/plain.xml`);
    } finally {
      c.close();
    }
    expect(await readFile(path.join(dir, 'plain.xml'), 'utf8')).toBe('<Invoice/>');
  });

  it('stop() ends vsftpd', async () => {
    const { pid } = ftp;
    await ftp.stop();
    expect(isPidAlive(pid)).toBe(false);
  });
});

describe('startSmtpServer: smtp-server with STARTTLS + AUTH, parsed by mailparser', () => {
  let smtp: TestSmtpServer;

  function transport(pass?: string) {
    return nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: false,
      requireTLS: true,
      auth: { user: smtp.username, pass: pass ?? smtp.password },
      tls: { ca: [smtp.caCert] },
      connectionTimeout: 10_000,
    });
  }
  const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice>Müller &amp; Söhne</Invoice>\n');
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(100_000), Buffer.from('\n.\r\n.\n%%EOF\n')]);
  const mail = {
    from: 'ledgerdrop@example.test',
    to: ['inbox@accounting.example.test', 'copy@accounting.example.test'],
    subject: 'Belege November – ÄÖÜ',
    text: 'Anbei die Belege.\n.\nEnde',
    attachments: [
      { filename: 'rechnung.xml', content: xml, contentType: 'application/xml' },
      { filename: 'beleg.pdf', content: pdf, contentType: 'application/pdf' },
    ],
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  it('receives a message over STARTTLS + AUTH with attachment bytes identical', async () => {
    const info = await transport().sendMail(mail);
    expect(info.accepted).toEqual(mail.to);
    const [received] = await smtp.waitForMessages(1);
    expect(received).toBeDefined();
    if (!received) return;
    expect(received.envelope).toEqual({ from: mail.from, to: mail.to });
    expect(received.subject).toBe(mail.subject);
    expect(received.text?.trim()).toBe(mail.text);
    expect(received.secure).toBe(true);
    expect(received.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(received.user).toBe(smtp.username);
    expect(received.messageId).toBe(info.messageId);
    expect(received.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['rechnung.xml', 'application/xml'],
      ['beleg.pdf', 'application/pdf'],
    ]);
    expect(received.attachments[0]?.content.equals(xml)).toBe(true);
    expect(received.attachments[1]?.content.equals(pdf)).toBe(true);
  });

  it('failNext(1, 451): the first attempt gets 451, the retry is accepted', async () => {
    smtp.reset();
    smtp.failNext(1, { code: 451, message: 'Greylisted, try again' });
    const t = transport();
    await expect(t.sendMail(mail)).rejects.toMatchObject({ code: 'EMESSAGE', responseCode: 451 });
    expect(smtp.messages).toHaveLength(0);
    await t.sendMail(mail);
    await smtp.waitForMessages(1);
    expect(smtp.dataAttempts).toBe(2);
  });

  it('failNext(1, 550): the message is rejected permanently and not stored', async () => {
    smtp.reset();
    smtp.failNext(1, { code: 550, message: 'Mailbox unavailable' });
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('Mailbox unavailable') });
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.dataAttempts).toBe(1);
  });

  it('dropConnectionDuringData(1): the client sees a connection error, the next send works', async () => {
    smtp.reset();
    smtp.dropConnectionDuringData(1);
    const error = await transport().sendMail(mail).then(
      () => null,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toMatch(/^(ESOCKET|ECONNECTION|ETIMEDOUT)$/);
    expect(smtp.messages).toHaveLength(0);
    await transport().sendMail(mail);
    await smtp.waitForMessages(1);
  });

  it('refuses a wrong password with EAUTH', async () => {
    smtp.reset();
    await expect(transport(`${smtp.password}-wrong`).sendMail(mail)).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(smtp.dataAttempts).toBe(0);
  });

  it('stop() closes the port', async () => {
    const { host, port } = smtp;
    await smtp.stop();
    expect(await connects(host, port)).toBe(false);
  });
});
