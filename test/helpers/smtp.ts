/**
 * A real SMTP server (smtp-server, in this process) on 127.0.0.1 for e-mail delivery tests:
 * STARTTLS with a fresh self-signed certificate, AUTH PLAIN/LOGIN with generated credentials (and
 * XOAUTH2 when `checkAccessToken` is given), every
 * accepted message parsed with mailparser and kept in `messages`. Needs no root.
 *
 *   const smtp = await startSmtpServer();
 *   // nodemailer: createTransport({ host: smtp.host, port: smtp.port, secure: false, requireTLS: true,
 *   //   auth: { user: smtp.username, pass: smtp.password }, tls: { ca: [smtp.caCert] } })
 *   const [message] = await smtp.waitForMessages(1);
 *   smtp.failNext(1, { code: 451, message: 'Try again later' });   // next DATA gets 451
 *   smtp.dropConnectionDuringData(1);                              // next DATA: socket destroyed
 *   smtp.rejectRecipient('x@y.test', { code: 550 });               // RCPT TO:<x@y.test> refused
 *   smtp.rejectSender('a@b.test', { code: 553 });                  // MAIL FROM:<a@b.test> refused
 *   smtp.attempts                                                  // every DATA read in full, refused ones too
 *   await smtp.stop();
 */
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { getFreePort, LOOPBACK } from './free-port.ts';
import { makeTempDir, registerExitCleanup } from './process.ts';
import { generateSelfSignedCert } from './tls-cert.ts';

export interface SmtpServerOptions {
  /** Implicit TLS from the first byte (SMTPS, like port 465) instead of STARTTLS. Default false. */
  implicitTls?: boolean;
  /** Do not offer STARTTLS (plain-text server). Default false. */
  hideStartTls?: boolean;
  /** Accept mail without AUTH. Default false (AUTH required). */
  authOptional?: boolean;
  /** Allow AUTH before TLS. Default false. */
  allowInsecureAuth?: boolean;
  /** Announced SIZE limit in bytes; larger messages are rejected with 552. */
  size?: number;
  /** Default: generated. */
  username?: string;
  /** Default: generated. */
  password?: string;
  /**
   * Also offer AUTH XOAUTH2 (Microsoft 365, Gmail): this decides whether a bearer token is good for
   * a user. A refused token gets Google's 334 JSON challenge, then 535 — as the real servers do.
   */
  checkAccessToken?: (user: string, accessToken: string) => boolean;
  /** Refuse the STARTTLS command itself (a server without TLS), not only leave it out of EHLO. Default false. */
  disableStartTls?: boolean;
}

export interface ReceivedAttachment {
  filename: string | undefined;
  contentType: string;
  content: Buffer;
  size: number;
  /** md5 hex of the content (mailparser's checksum). */
  checksum: string;
}

export interface ReceivedMessage {
  envelope: { from: string; to: string[] };
  subject: string | undefined;
  text: string | undefined;
  html: string | false | undefined;
  attachments: ReceivedAttachment[];
  messageId: string | undefined;
  /** True when the message came over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The authenticated username, undefined without AUTH. */
  user: string | undefined;
  /** TLS protocol, e.g. "TLSv1.3", when secure. */
  tlsProtocol: string | undefined;
  sessionId: string;
  /** The message exactly as received (after dot-unstuffing). */
  raw: Buffer;
  parsed: ParsedMail;
  receivedAt: Date;
}

/** A message the server read in full, whatever it answered. */
export interface DataAttempt {
  /** The Message-ID header, as it appears in the message (with angle brackets). */
  messageId: string | undefined;
  envelope: { from: string; to: string[] };
  /** The reply code given (250 when accepted). */
  code: number;
  raw: Buffer;
}

export interface SmtpFault {
  /** SMTP reply code, e.g. 451 (temporary) or 550 (permanent). */
  code: number;
  message?: string;
}

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** PEM of the self-signed server certificate (trust it as CA). SAN: IP:127.0.0.1, DNS:localhost. */
  readonly caCert: string;
  readonly implicitTls: boolean;
  /** Accepted messages, in arrival order. */
  readonly messages: ReceivedMessage[];
  /** Every DATA transfer the server saw, accepted or not (faults included). */
  readonly dataAttempts: number;
  /** Every message read in full, in arrival order, with the reply it got (refused ones too; not the dropped ones). */
  readonly attempts: DataAttempt[];
  /** Connection/protocol errors the server reported (e.g. ECONNRESET after a drop). */
  readonly errors: Error[];
  /** The next `count` DATA commands are answered with `fault` (default 451) after the message was read. */
  failNext(count: number, fault?: SmtpFault): void;
  /** The next `count` DATA commands get their socket destroyed while the message is being received. */
  dropConnectionDuringData(count: number): void;
  /** Every RCPT TO this address (case-insensitive) is answered with `fault` (default 550) until reset. */
  rejectRecipient(address: string, fault?: SmtpFault): void;
  /** Every MAIL FROM this address (case-insensitive) is answered with `fault` (default 553) until reset. */
  rejectSender(address: string, fault?: SmtpFault): void;
  /** Resolves with `messages` once at least `count` were accepted; rejects after `timeoutMs` (default 10 s). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Closes every open client connection now, as a server does after its idle timeout. */
  disconnectAll(): void;
  /** Forgets received messages, pending faults and errors. */
  reset(): void;
  /** Closes the listener and every open connection. Idempotent. */
  stop(): Promise<void>;
}

type Action = { kind: 'fail'; fault: Required<SmtpFault> } | { kind: 'drop' };

interface SmtpError extends Error {
  responseCode: number;
}

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The Message-ID header of a raw message (unfolded), without parsing the rest. */
function messageIdOf(raw: Buffer): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  return /^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim();
}

function readAll(stream: SMTPServerDataStream, onFirstChunk?: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let first = true;
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (first) {
        first = false;
        onFirstChunk?.();
      }
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const { dir, cleanup: cleanupDir } = await makeTempDir('ledgerdrop-smtp-');
  const cert = await generateSelfSignedCert(dir, 'smtp');
  cleanupDir(); // the PEMs are in memory now

  const username = options.username ?? `ld-${randomBytes(4).toString('hex')}@test.invalid`;
  const password = options.password ?? `Ld-${randomBytes(18).toString('base64url')}`;
  const messages: ReceivedMessage[] = [];
  const errors: Error[] = [];
  const actions: Action[] = [];
  const attempts: DataAttempt[] = [];
  const refusedRecipients = new Map<string, Required<SmtpFault>>();
  const refusedSenders = new Map<string, Required<SmtpFault>>();
  const waiters = new Set<() => void>();
  let dataAttempts = 0;

  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  const dropSocket = (session: SMTPServerSession): void => {
    for (const connection of server.connections) {
      if (connection.id === session.id) connection._socket.destroy();
    }
  };

  const server: SMTPServer = new SMTPServer({
    secure: options.implicitTls ?? false,
    key: cert.key,
    cert: cert.cert,
    hideSTARTTLS: options.hideStartTls ?? false,
    disabledCommands: options.disableStartTls ? ['STARTTLS'] : [],
    authMethods: options.checkAccessToken ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    authOptional: options.authOptional ?? false,
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    size: options.size,
    name: 'localhost',
    banner: 'Ledgerdrop test SMTP server',
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2') {
        const user = auth.username ?? '';
        if (options.checkAccessToken?.(user, auth.accessToken ?? '')) callback(null, { user });
        else callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
        return;
      }
      if ((auth.method === 'PLAIN' || auth.method === 'LOGIN') && auth.username === username && auth.password === password) {
        callback(null, { user: username });
      } else {
        callback(smtpError(535, 'Authentication credentials invalid'));
      }
    },
    onMailFrom(address, _session, callback) {
      const fault = refusedSenders.get(address.address.toLowerCase());
      callback(fault ? smtpError(fault.code, fault.message) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const fault = refusedRecipients.get(address.address.toLowerCase());
      callback(fault ? smtpError(fault.code, fault.message) : undefined);
    },
    onData(stream, session, callback) {
      dataAttempts++;
      const action = actions.shift();
      if (action?.kind === 'drop') {
        // Destroy the socket as soon as message bytes arrive (the client is mid-DATA, no reply sent).
        // The stream then errors with "Connection closed before the message was received in full".
        readAll(stream, () => dropSocket(session))
          .catch(() => undefined)
          .finally(() => dropSocket(session));
        return; // no reply: the connection is gone
      }
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      };
      readAll(stream)
        .then(async (raw) => {
          const code = action?.kind === 'fail' ? action.fault.code : stream.sizeExceeded ? 552 : 250;
          attempts.push({ messageId: messageIdOf(raw), envelope, code, raw });
          if (action?.kind === 'fail') throw smtpError(action.fault.code, action.fault.message);
          if (stream.sizeExceeded) throw smtpError(552, 'Message exceeds the size limit');
          const parsed = await simpleParser(raw);
          const tlsOptions = session.tlsOptions;
          messages.push({
            envelope,
            subject: parsed.subject,
            text: parsed.text,
            html: parsed.html,
            attachments: parsed.attachments.map((attachment) => ({
              filename: attachment.filename,
              contentType: attachment.contentType,
              content: attachment.content,
              size: attachment.size,
              checksum: attachment.checksum,
            })),
            messageId: parsed.messageId,
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
            tlsProtocol: tlsOptions ? tlsOptions.version : undefined,
            sessionId: session.id,
            raw,
            parsed,
            receivedAt: new Date(),
          });
          notify();
          callback(null, `Message queued as ${parsed.messageId ?? session.id}`);
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on('error', (error: Error) => {
    errors.push(error);
  });

  // Free port a moment ago; retry if someone else takes it first.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await getFreePort();
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.server.once('error', onError);
        server.listen(port, LOOPBACK, () => {
          server.server.off('error', onError);
          resolve();
        });
      });
      break;
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  server.server.unref();

  let stopped = false;
  const closeNow = (): void => {
    for (const connection of server.connections) connection._socket.destroy();
  };
  const unregister = registerExitCleanup(closeNow);

  return {
    host: LOOPBACK,
    port,
    username,
    password,
    caCert: cert.cert,
    implicitTls: options.implicitTls ?? false,
    messages,
    get dataAttempts() {
      return dataAttempts;
    },
    attempts,
    errors,
    failNext(count, fault = { code: 451 }) {
      const full = { code: fault.code, message: fault.message ?? (fault.code >= 500 ? 'Message rejected (test fault)' : 'Try again later (test fault)') };
      for (let i = 0; i < count; i++) actions.push({ kind: 'fail', fault: full });
    },
    dropConnectionDuringData(count) {
      for (let i = 0; i < count; i++) actions.push({ kind: 'drop' });
    },
    rejectRecipient(address, fault = { code: 550 }) {
      refusedRecipients.set(address.toLowerCase(), { code: fault.code, message: fault.message ?? 'Mailbox unavailable (test fault)' });
    },
    rejectSender(address, fault = { code: 553 }) {
      refusedSenders.set(address.toLowerCase(), { code: fault.code, message: fault.message ?? 'Sender address rejected (test fault)' });
    },
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waitForMessages: ${messages.length} of ${count} messages after ${timeoutMs} ms (DATA attempts: ${dataAttempts}, errors: ${errors.map((e) => e.message).join('; ') || 'none'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    disconnectAll() {
      for (const connection of server.connections) connection._socket.destroy();
    },
    reset() {
      messages.length = 0;
      actions.length = 0;
      attempts.length = 0;
      refusedRecipients.clear();
      refusedSenders.clear();
      errors.length = 0;
      dataAttempts = 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unregister();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        closeNow();
      });
    },
  };
}
