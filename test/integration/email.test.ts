/**
 * The e-mail connector against a real SMTP server (smtp-server on 127.0.0.1, STARTTLS with its own
 * certificate, AUTH PLAIN/LOGIN; every message parsed by mailparser): where each document goes,
 * what arrives (byte for byte), and what each failure of a real server becomes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailConnector } from '../../src/main/connectors/email/index.ts';
import { messageIdFor } from '../../src/main/connectors/email/message.ts';
import { DeliveryError, type ConnectorContext, type ConnectorSession, type DeliveryClient, type DeliveryDocument } from '../../src/main/connectors/types.ts';
import { extractEmbeddedPdf } from '../../src/main/understanding/render/extract.ts';
import { corpusDir } from '../helpers/corpus.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-email-');
const corpus = corpusDir();
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Bytes that test the transport: every byte value, CR/LF pairs, lone CR and LF, and lines holding only "." (SMTP's end of data). */
function awkwardBytes(seed: string, size = 70_000): Buffer {
  const parts = [Buffer.from(`\r\n.\r\n..\r\n.\n\r.${seed}\r\n`), Buffer.from(Array.from({ length: 256 }, (_, i) => i))];
  let counter = 0;
  while (Buffer.concat(parts).length < size) parts.push(createHash('sha256').update(`${seed}-${counter++}`).digest());
  return Buffer.concat(parts).subarray(0, size);
}

let docCounter = 0;
function documentOf(input: Partial<DeliveryDocument> & { files?: DeliveryDocument['files'] } = {}): DeliveryDocument {
  docCounter += 1;
  const files = input.files ?? [{ name: `F2025-${docCounter}.xml`, bytes: awkwardBytes(`doc-${docCounter}`), mimeType: 'application/xml' }];
  return {
    deliveryId: `acme/mail/${sha(Buffer.from(`doc-${docCounter}-${Math.random()}`))}/main`,
    sha256: sha(files[0]!.bytes),
    family: 'invoices',
    direction: 'purchase',
    kind: 'invoice',
    format: 'peppol-bis-3',
    originalName: files[0]!.name,
    receivedAt: '2025-03-15T09:30:00.000Z',
    meta: { number: `F2025-${docCounter}`, issueDate: '2025-03-14', supplier: 'ACME Office Supplies', customer: 'Dupont SPRL' },
    ...input,
    files,
  };
}

const CLIENT_FIELDS = {
  inboundEmail: 'dupont-in@docin.example.test',
  outboundEmail: 'dupont-out@docin.example.test',
  statementsEmail: 'dupont-bank@docin.example.test',
};
function clientOf(fields: Record<string, unknown> = CLIENT_FIELDS): DeliveryClient {
  return { id: 'dupont', name: 'Dupont SPRL', accountingFileId: 'DOS-0042', fields };
}

describe('e-mail connector against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let caFile: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    caFile = path.join(temp.make(), 'ca.pem');
    writeFileSync(caFile, smtp.caCert);
  });
  afterAll(async () => {
    await smtp?.stop();
    temp.cleanup();
  });
  afterEach(() => smtp.reset());

  function contextFor(settings: Record<string, unknown> = {}, secrets: Record<string, string | null> = { password: smtp.password }, server: TestSmtpServer = smtp): ConnectorContext & { progressCalls: [number, number][] } {
    const progressCalls: [number, number][] = [];
    return {
      connectionId: 'mail',
      settings: { host: server.host, port: server.port, from: 'office@fiduciaire.example.test', username: server.username, caFile, ...settings },
      secret: async (key) => secrets[key] ?? null,
      setSecret: async () => undefined,
      progress: (sent, total) => progressCalls.push([sent, total]),
      progressCalls,
    };
  }

  async function expectFailure(promise: Promise<unknown>): Promise<DeliveryError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, 'the delivery should have failed').toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  }

  it('routes purchase, sales, unknown-direction invoices and statements to the client addresses, over STARTTLS, signed in, attachments byte-identical', async () => {
    const ctx = contextFor();
    const session = await emailConnector.openSession!(ctx);
    const purchase = documentOf({ direction: 'purchase' });
    const sales = documentOf({ direction: 'sales' });
    const unknown = documentOf({ direction: 'unknown', kind: 'pdf', format: 'pdf', files: [{ name: 'scan.pdf', bytes: awkwardBytes('scan'), mimeType: 'application/pdf' }] });
    const statement = documentOf({ family: 'statements', direction: null, kind: 'statement', format: 'coda', files: [{ name: 'bank.cod', bytes: awkwardBytes('coda', 5000), mimeType: 'application/octet-stream' }] });
    const receipts = [];
    try {
      for (const doc of [purchase, sales, unknown, statement]) receipts.push(await session.deliver(doc, clientOf()));
    } finally {
      await session.close();
    }
    const messages = await smtp.waitForMessages(4);
    expect(messages.map((m) => m.envelope.to)).toEqual([[CLIENT_FIELDS.inboundEmail], [CLIENT_FIELDS.outboundEmail], [CLIENT_FIELDS.inboundEmail], [CLIENT_FIELDS.statementsEmail]]);
    for (const [index, doc] of [purchase, sales, unknown, statement].entries()) {
      const message = messages[index]!;
      expect(message.envelope.from).toBe('office@fiduciaire.example.test');
      expect(message.secure).toBe(true);
      expect(message.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
      expect(message.user).toBe(smtp.username);
      expect(message.subject).toBe(`${doc.files[0]!.name} – Dupont SPRL`);
      expect(message.messageId).toBe(messageIdFor(doc.deliveryId, 'office@fiduciaire.example.test'));
      expect(message.parsed.headerLines.find((h) => h.key === 'auto-submitted')?.line).toBe('Auto-Submitted: auto-generated');
      expect(message.attachments).toHaveLength(1);
      expect(message.attachments[0]!.filename).toBe(doc.files[0]!.name);
      expect(sha(message.attachments[0]!.content)).toBe(sha(doc.files[0]!.bytes));
      expect(receipts[index]!.remoteRef).toBe(`${message.messageId} to ${message.envelope.to[0]}`);
    }
    expect(messages[0]!.text).toContain('Number: F2025-');
    expect(messages[0]!.text).toContain('Supplier: ACME Office Supplies');
    // One session, one SMTP connection for all four documents.
    expect(new Set(messages.map((m) => m.sessionId)).size).toBe(1);
    // Progress: the last report is the whole message.
    const last = ctx.progressCalls.at(-1)!;
    expect(last[0]).toBe(last[1]);
  });

  it('sameAddress sends every invoice, and statements without their own address, to the inbound address', async () => {
    const client = clientOf({ inboundEmail: 'all@docin.example.test', sameAddress: true });
    for (const doc of [documentOf({ direction: 'sales' }), documentOf({ direction: 'purchase' }), documentOf({ family: 'statements', direction: null, kind: 'statement' })]) {
      await emailConnector.deliver(doc, client, contextFor());
    }
    const messages = await smtp.waitForMessages(3);
    expect(messages.flatMap((m) => m.envelope.to)).toEqual(['all@docin.example.test', 'all@docin.example.test', 'all@docin.example.test']);
  });

  it('a missing address fails that document (no-retry) naming the client field, before connecting', async () => {
    const error = await expectFailure(emailConnector.deliver(documentOf({ direction: 'sales' }), clientOf({ inboundEmail: 'in@docin.example.test' }), contextFor()));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'address-missing' });
    expect(error.message).toMatch(/Dupont SPRL has no e-mail address for sales invoices\. Fill in the client's outboundEmail .*sameAddress/);
    const statements = await expectFailure(emailConnector.deliver(documentOf({ family: 'statements', direction: null }), clientOf({ inboundEmail: 'in@docin.example.test' }), contextFor()));
    expect(statements.message).toContain("Fill in the client's statementsEmail");
    expect(smtp.dataAttempts).toBe(0);
  });

  it('keeps or drops the PDF alongside the e-invoice per client (attachPdf), byte-identical', async () => {
    const xml = { name: 'F-1.xml', bytes: awkwardBytes('xml'), mimeType: 'application/xml' };
    const pdf = { name: 'F-1.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), awkwardBytes('pdf', 30_000)]), mimeType: 'application/pdf' };
    // The connection's "PDF alongside" put the PDF in files: kept unless the client says attachPdf: false.
    await emailConnector.deliver(documentOf({ files: [xml, pdf] }), clientOf(CLIENT_FIELDS), contextFor());
    await emailConnector.deliver(documentOf({ files: [xml, pdf] }), clientOf({ ...CLIENT_FIELDS, attachPdf: true }), contextFor());
    await emailConnector.deliver(documentOf({ files: [xml, pdf] }), clientOf({ ...CLIENT_FIELDS, attachPdf: false }), contextFor());
    const messages = await smtp.waitForMessages(3);
    expect(messages.map((m) => m.attachments.map((a) => a.filename))).toEqual([['F-1.xml', 'F-1.pdf'], ['F-1.xml', 'F-1.pdf'], ['F-1.xml']]);
    expect(sha(messages[0]!.attachments[1]!.content)).toBe(sha(pdf.bytes));
    expect(messages[0]!.attachments[1]!.contentType).toBe('application/pdf');
    expect(sha(messages[2]!.attachments[0]!.content)).toBe(sha(xml.bytes));
  });

  it.skipIf(!corpus)('attachPdf: true attaches the e-invoice’s own PDF even when the connection adds none', async () => {
    const bytes = readFileSync(path.join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml'));
    const doc = documentOf({ originalName: 'V01-15000001.xml', files: [{ name: 'V01-15000001.xml', bytes, mimeType: 'application/xml' }] });
    await emailConnector.deliver(doc, clientOf({ ...CLIENT_FIELDS, attachPdf: true }), contextFor());
    await emailConnector.deliver({ ...doc, deliveryId: `${doc.deliveryId}-2` }, clientOf(CLIENT_FIELDS), contextFor());
    const [withPdf, without] = await smtp.waitForMessages(2);
    expect(withPdf!.attachments.map((a) => a.filename)).toEqual(['V01-15000001.xml', 'V01-15000001.pdf']);
    expect(sha(withPdf!.attachments[0]!.content)).toBe(sha(bytes));
    expect(sha(withPdf!.attachments[1]!.content)).toBe(sha(extractEmbeddedPdf(bytes)!.bytes));
    expect(without!.attachments.map((a) => a.filename)).toEqual(['V01-15000001.xml']);
  });

  it('per-file grouping sends one e-mail per file, each with its own stable Message-ID', async () => {
    const files = [
      { name: 'F-2.xml', bytes: awkwardBytes('a'), mimeType: 'application/xml' },
      { name: 'F-2.pdf', bytes: awkwardBytes('b'), mimeType: 'application/pdf' },
    ];
    const doc = documentOf({ files });
    const receipt = await emailConnector.deliver(doc, clientOf(), contextFor({ grouping: 'per-file' }));
    const messages = await smtp.waitForMessages(2);
    expect(messages.map((m) => m.attachments.map((a) => a.filename))).toEqual([['F-2.xml'], ['F-2.pdf']]);
    expect(messages.map((m) => m.messageId)).toEqual([messageIdFor(doc.deliveryId, 'office@fiduciaire.example.test', 0), messageIdFor(doc.deliveryId, 'office@fiduciaire.example.test', 1)]);
    expect(messages.map((m) => sha(m.attachments[0]!.content))).toEqual(files.map((f) => sha(f.bytes)));
    expect(receipt.remoteRef.split('\n')).toHaveLength(2);
  });

  it('451 then success: the retry carries the same Message-ID and only one copy is accepted', async () => {
    const doc = documentOf();
    smtp.failNext(1, { code: 451, message: '4.3.0 Greylisted, try again later' });
    const error = await expectFailure(emailConnector.deliver(doc, clientOf(), contextFor()));
    expect(error).toMatchObject({ failure: 'retry', code: 'server-busy' });
    expect(error.message).toContain('451 4.3.0 Greylisted, try again later');
    await emailConnector.deliver(doc, clientOf(), contextFor());
    const [accepted] = await smtp.waitForMessages(1);
    expect(smtp.attempts.map((a) => [a.code, a.messageId])).toEqual([
      [451, accepted!.messageId],
      [250, accepted!.messageId],
    ]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('550 to the message: no-retry with the server’s reply', async () => {
    smtp.failNext(1, { code: 550, message: '5.7.1 Message refused: attachment type not allowed' });
    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor()));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'message-refused' });
    expect(error.message).toContain('The server answered: "550 5.7.1 Message refused: attachment type not allowed"');
    expect(smtp.messages).toHaveLength(0);
  });

  it('550 to the recipient: no-retry naming the client field to correct', async () => {
    smtp.rejectRecipient(CLIENT_FIELDS.outboundEmail, { code: 550, message: '5.1.1 No such mailbox' });
    const error = await expectFailure(emailConnector.deliver(documentOf({ direction: 'sales' }), clientOf(), contextFor()));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'recipient-refused' });
    expect(error.message).toContain(`refused the recipient ${CLIENT_FIELDS.outboundEmail}`);
    expect(error.message).toContain("the client Dupont SPRL's outboundEmail");
    expect(error.message).toContain('550 5.1.1 No such mailbox');
  });

  it('a refused sender address stops the connection (fatal-connection): it is the same for every client', async () => {
    smtp.rejectSender('office@fiduciaire.example.test', { code: 553, message: '5.7.1 Sender address rejected: not owned by user' });
    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor()));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'sender-refused' });
    expect(error.message).toContain('refuses to send mail from office@fiduciaire.example.test');
  });

  it('a connection dropped mid-DATA is retried; a new session delivers exactly one copy', async () => {
    const doc = documentOf();
    smtp.dropConnectionDuringData(1);
    const ctx = contextFor();
    let session: ConnectorSession = await emailConnector.openSession!(ctx);
    const error = await expectFailure(session.deliver(doc, clientOf()));
    expect(error).toMatchObject({ failure: 'retry', code: 'connection-lost' });
    // What the outbox does after a failure: drop the session, open a new one for the retry.
    await session.close();
    session = await emailConnector.openSession!(ctx);
    await session.deliver(doc, clientOf());
    await session.close();
    const messages = await smtp.waitForMessages(1);
    expect(smtp.dataAttempts).toBe(2);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.messageId).toBe(messageIdFor(doc.deliveryId, 'office@fiduciaire.example.test'));
    expect(sha(messages[0]!.attachments[0]!.content)).toBe(sha(doc.files[0]!.bytes));
  });

  it('reconnects when the server closed the idle connection between two documents', async () => {
    const session = await emailConnector.openSession!(contextFor());
    try {
      await session.deliver(documentOf(), clientOf());
      await smtp.waitForMessages(1);
      smtp.disconnectAll();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await session.deliver(documentOf(), clientOf());
    } finally {
      await session.close();
    }
    const messages = await smtp.waitForMessages(2);
    expect(messages[0]!.sessionId).not.toBe(messages[1]!.sessionId);
  });

  it('a wrong password (535) stops the connection, and the password appears nowhere', async () => {
    const wrong = 'Wrong-Pa55word-0f-the-test';
    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor({}, { password: wrong })));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'auth-failed' });
    expect(error.message).toContain('535 Authentication credentials invalid');
    expect(error.message).toContain('Check the username and password');
    const test = await emailConnector.test(contextFor({}, { password: wrong }));
    expect(test.ok).toBe(false);
    expect(test.message).toContain('refused the username or password');
    for (const text of [error.message, test.message, JSON.stringify(test)]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(Buffer.from(wrong).toString('base64'));
    }
    expect(smtp.dataAttempts).toBe(0);
  });

  it('a certificate nobody vouches for stops the connection and names caFile as the fix', async () => {
    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor({ caFile: undefined })));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'certificate-untrusted' });
    expect(error.message).toContain('caFile');
    expect(smtp.dataAttempts).toBe(0);
  });

  it('a server that takes mail only after sign-in, without a password configured: fatal, says to fill in the password', async () => {
    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor({ username: undefined }, {})));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'sign-in-required' });
    expect(error.message).toContain('only takes mail after signing in');
    const half = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor({}, {})));
    expect(half).toMatchObject({ failure: 'fatal-connection', code: 'not-configured' });
  });

  it('test() connects and signs in without sending anything, and reports what it found', async () => {
    const result = await emailConnector.test(contextFor({ fromName: 'Fiduciaire Dupont' }));
    expect(result.ok).toBe(true);
    expect(result.message).toBe(`Connected to ${smtp.host}:${smtp.port} and signed in as ${smtp.username}. Documents will be sent from office@fiduciaire.example.test.`);
    expect(result.facts).toMatchObject({
      server: `${smtp.host}:${smtp.port}`,
      encryption: expect.stringMatching(/^STARTTLS \(TLSv1\.[23]\)$/),
      'signed in as': smtp.username,
      sender: 'Fiduciaire Dupont <office@fiduciaire.example.test>',
      'example subject': 'F2025-0117.xml – Dupont SPRL',
    });
    expect(smtp.dataAttempts).toBe(0);
    const broken = await emailConnector.test(contextFor({ subjectTemplate: '[URGENT] [number]' }));
    expect(broken).toMatchObject({ ok: false });
    expect(broken.message).toContain('unknown variable [URGENT]');
  });

  it('refuses a message larger than the server announces (no-retry) without sending it', async () => {
    const small = await startSmtpServer({ size: 20_000 });
    const smallCa = path.join(temp.make(), 'small-ca.pem');
    writeFileSync(smallCa, small.caCert);
    try {
      const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf(), contextFor({ host: small.host, port: small.port, username: small.username, caFile: smallCa }, { password: small.password }, small)));
      expect(error).toMatchObject({ failure: 'no-retry', code: 'too-large' });
      expect(small.dataAttempts).toBe(0);
    } finally {
      await small.stop();
    }
  });

  it('no header can be injected through document facts, file names or a client address', async () => {
    const doc = documentOf({
      meta: { number: 'F-9\r\nBcc: thief@evil.test', issueDate: null, supplier: 'ACME\r\nBcc: thief@evil.test\r\n\r\nbody', customer: null },
      files: [{ name: 'in\r\nBcc: thief@evil.test\r\n.xml', bytes: awkwardBytes('inject', 2000), mimeType: 'application/xml' }],
    });
    await emailConnector.deliver(doc, clientOf(), contextFor({ subjectTemplate: 'Invoice [number] from [supplier]', fromName: 'Office\r\nBcc: thief@evil.test' }));
    const [message] = await smtp.waitForMessages(1);
    expect(message!.envelope.to).toEqual([CLIENT_FIELDS.inboundEmail]);
    expect(message!.parsed.bcc).toBeUndefined();
    expect(message!.subject).toBe('Invoice F-9 Bcc: thief@evil.test from ACME Bcc: thief@evil.test body');
    const head = message!.raw.subarray(0, message!.raw.indexOf('\r\n\r\n')).toString('latin1');
    expect(head).not.toMatch(/^bcc:/im);
    expect(message!.attachments[0]!.filename).not.toMatch(/[\r\n]/);

    const error = await expectFailure(emailConnector.deliver(documentOf(), clientOf({ inboundEmail: 'in@docin.example.test\r\nBcc: thief@evil.test' }), contextFor()));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'invalid-address' });
    const list = await expectFailure(emailConnector.deliver(documentOf(), clientOf({ inboundEmail: 'in@docin.example.test, thief@evil.test' }), contextFor()));
    expect(list).toMatchObject({ failure: 'no-retry', code: 'invalid-address' });
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('e-mail connector: security modes', () => {
  const servers: TestSmtpServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    temp.cleanup();
  });

  function ctxFor(server: TestSmtpServer, settings: Record<string, unknown>, caFile: string | null): ConnectorContext {
    return {
      connectionId: 'mail',
      settings: { host: server.host, port: server.port, from: 'office@fiduciaire.example.test', username: server.username, ...(caFile ? { caFile } : {}), ...settings },
      secret: async (key) => (key === 'password' ? server.password : null),
      setSecret: async () => undefined,
    };
  }
  function caOf(server: TestSmtpServer): string {
    const file = path.join(temp.make(), 'ca.pem');
    writeFileSync(file, server.caCert);
    return file;
  }
  const doc = (): DeliveryDocument => documentOf();

  it('security "tls": TLS from the first byte (port 465 style)', async () => {
    const server = await startSmtpServer({ implicitTls: true });
    servers.push(server);
    await emailConnector.deliver(doc(), clientOf(), ctxFor(server, { security: 'tls' }, caOf(server)));
    const [message] = await server.waitForMessages(1);
    expect(message!.secure).toBe(true);
    expect(message!.user).toBe(server.username);
  });

  it('a server without STARTTLS: "starttls" refuses to go on unencrypted (fatal); "none" chosen explicitly sends in plain text', async () => {
    const server = await startSmtpServer({ disableStartTls: true, hideStartTls: true, allowInsecureAuth: true });
    servers.push(server);
    const error = await emailConnector.deliver(doc(), clientOf(), ctxFor(server, {}, null)).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'starttls-unavailable' });
    expect(error!.message).toContain('choose "none" only for a server on your own network');
    expect(server.messages).toHaveLength(0);

    await emailConnector.deliver(doc(), clientOf(), ctxFor(server, { security: 'none' }, null));
    const [message] = await server.waitForMessages(1);
    expect(message!.secure).toBe(false);
    const test = await emailConnector.test(ctxFor(server, { security: 'none' }, null));
    expect(test).toMatchObject({ ok: true, facts: { encryption: 'none — not encrypted' } });
    expect(test.message).toContain('Warning: the connection is not encrypted');
  });

  it('"tls" against a STARTTLS port: fatal, says which port goes with which setting', async () => {
    const server = await startSmtpServer();
    servers.push(server);
    const error = await emailConnector.deliver(doc(), clientOf(), ctxFor(server, { security: 'tls' }, caOf(server))).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'tls-failed' });
    expect(error!.message).toContain('587 with "starttls", 465 with "tls"');
  });

  it('nothing listening: retry', async () => {
    const server = await startSmtpServer();
    const { host, port } = server;
    await server.stop();
    const error = await emailConnector.deliver(doc(), clientOf(), { connectionId: 'mail', settings: { host, port, from: 'office@fiduciaire.example.test' }, secret: async () => null, setSecret: async () => undefined }).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error).toMatchObject({ failure: 'retry', code: 'server-unreachable' });
  });
});

