/**
 * One SMTP connection (nodemailer's SMTPConnection) as promises: connect (TLS from the first byte,
 * or STARTTLS, which is then required, or plain when the user chose `none`), sign in, send
 * messages one after another, quit. Errors are nodemailer's (code, command, responseCode,
 * response), classified by errors.ts.
 *
 * SMTPConnection reports a failure of the connection as an 'error' event rather than through
 * connect()'s callback, and forgets a send in flight when it is closed; both are turned into
 * rejections here so no attempt can hang or throw unhandled.
 */
import { Readable } from 'node:stream';
import type tls from 'node:tls';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionAuth, SMTPConnectionCustomAuthHandler, SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection';
import type { Security } from './settings.ts';
import type * as SmtpConnectionModule from 'nodemailer/lib/smtp-connection';

/** nodemailer, loaded on first use: an engine without e-mail connections never pays its memory. */
let smtpConnection: Promise<typeof SmtpConnectionModule> | null = null;
const loadSmtpConnection = () => (smtpConnection ??= import('nodemailer/lib/smtp-connection'));

export interface SmtpConnectOptions {
  host: string;
  port: number;
  security: Security;
  tls: tls.ConnectionOptions;
  /** Password or token sign-in; null to send without signing in. */
  auth: { user: string; pass: string } | { user: string; accessToken: string } | null;
  signal?: AbortSignal;
  /** Milliseconds; defaults suit a desktop on an ordinary connection. */
  timeouts?: { connect?: number; greeting?: number; socket?: number };
}

/** An error of ours, shaped like nodemailer's so errors.ts reads both the same way. */
export class SmtpStepError extends Error {
  readonly code: string;
  readonly command: string;
  constructor(code: string, command: string, message: string) {
    super(message);
    this.name = 'SmtpStepError';
    this.code = code;
    this.command = command;
  }
}

const CHUNK = 64 * 1024;
const CLOSE_WAIT_MS = 2_000;

export class SmtpLink {
  readonly secure: boolean;
  readonly tlsProtocol: string | null;
  readonly signedInAs: string | null;
  private readonly connection: SMTPConnection;
  private ended = false;
  private endWaiters: (() => void)[] = [];

  private constructor(connection: SMTPConnection, signedInAs: string | null) {
    this.connection = connection;
    const socket = connection._socket;
    this.secure = connection.secure;
    this.tlsProtocol = socket && 'getProtocol' in socket && typeof socket.getProtocol === 'function' ? ((socket as tls.TLSSocket).getProtocol() ?? null) : null;
    this.signedInAs = signedInAs;
    connection.on('end', () => {
      this.ended = true;
      for (const waiter of this.endWaiters.splice(0)) waiter();
    });
  }

  /** Connects and signs in. Rejects with nodemailer's error (or an SmtpStepError). */
  static async open(options: SmtpConnectOptions): Promise<SmtpLink> {
    options.signal?.throwIfAborted();
    const { default: SMTPConnection } = await loadSmtpConnection();
    const connection = new SMTPConnection({
      host: options.host,
      port: options.port,
      secure: options.security === 'tls',
      requireTLS: options.security === 'starttls',
      ignoreTLS: options.security === 'none',
      tls: options.tls,
      connectionTimeout: options.timeouts?.connect ?? 30_000,
      greetingTimeout: options.timeouts?.greeting ?? 30_000,
      socketTimeout: options.timeouts?.socket ?? 120_000,
      socketCloseTimeout: CLOSE_WAIT_MS,
      logger: false,
      debug: false,
      ...(options.auth !== null && 'accessToken' in options.auth ? { customAuth: { [XOAUTH2_METHOD]: xoauth2(options.auth.user, options.auth.accessToken) } } : {}),
    });
    // Whatever happens later, an 'error' event must have a listener; the last one explains an end.
    let lastError: unknown = null;
    connection.on('error', (error: unknown) => {
      lastError = error;
    });
    const onAbort = (): void => connection.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (error: unknown): void => {
          cleanup();
          reject(error);
        };
        const ended = (): void => fail(options.signal?.aborted ? abortError() : new SmtpStepError('ECONNECTION', 'CONN', 'The server closed the connection before it was ready.'));
        const cleanup = (): void => {
          connection.off('error', fail);
          connection.off('end', ended);
        };
        connection.once('error', fail);
        connection.once('end', ended);
        connection.connect(() => {
          cleanup();
          resolve();
        });
      });
      let signedInAs: string | null = null;
      if (options.auth !== null) {
        if (!connection.allowsAuth) throw new SmtpStepError('ENOAUTHOFFERED', 'EHLO', 'The server does not offer sign-in (AUTH) on this connection.');
        const auth: SMTPConnectionAuth = 'accessToken' in options.auth ? { method: XOAUTH2_METHOD, user: options.auth.user } : { user: options.auth.user, pass: options.auth.pass };
        await new Promise<void>((resolve, reject) => {
          const ended = (): void => reject(options.signal?.aborted ? abortError() : (lastError ?? new SmtpStepError('ECONNECTION', 'AUTH', 'The server closed the connection while signing in.')));
          connection.once('end', ended);
          connection.login(auth, (error) => {
            connection.off('end', ended);
            if (error) reject(error);
            else resolve();
          });
        });
        signedInAs = options.auth.user;
      }
      options.signal?.removeEventListener('abort', onAbort);
      return new SmtpLink(connection, signedInAs);
    } catch (error) {
      options.signal?.removeEventListener('abort', onAbort);
      connection.close();
      throw error;
    }
  }

  /** False once the server or a failure ended the connection (e.g. the server's idle timeout between documents). */
  get usable(): boolean {
    return !this.ended;
  }

  /** Sends one message; `onProgress` hears the bytes handed to the connection. */
  async send(envelope: { from: string; to: string }, raw: Buffer, options: { signal?: AbortSignal; onProgress?: (sent: number, total: number) => void } = {}): Promise<SMTPConnectionSendInfo> {
    options.signal?.throwIfAborted();
    if (this.ended) throw new SmtpStepError('ECONNECTION', 'API', 'The connection to the server was closed.');
    const connection = this.connection;
    const report = options.onProgress;
    // Pulled by the connection as the socket drains, so the count follows what was really handed over.
    const stream = Readable.from(
      (function* chunks() {
        for (let offset = 0; offset < raw.length; offset += CHUNK) {
          const chunk = raw.subarray(offset, offset + CHUNK);
          yield chunk;
          report?.(offset + chunk.length, raw.length);
        }
      })(),
    );
    return new Promise<SMTPConnectionSendInfo>((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown, info?: SMTPConnectionSendInfo): void => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        const index = this.endWaiters.indexOf(onEnd);
        if (index !== -1) this.endWaiters.splice(index, 1);
        if (error) reject(error);
        else resolve(info!);
      };
      // close() forgets the send in flight without calling back: settle it here.
      const onAbort = (): void => {
        finish(abortError());
        connection.close();
      };
      const onEnd = (): void => finish(new SmtpStepError('ECONNECTION', 'CONN', 'The server closed the connection while the message was being sent.'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.endWaiters.push(onEnd);
      connection.send({ from: envelope.from, to: [envelope.to], size: raw.length }, stream, (error, info) => finish(error, info));
    });
  }

  /** QUIT, then closes; never throws, returns within a few seconds. */
  async close(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.connection.close();
        resolve();
      }, CLOSE_WAIT_MS);
      timer.unref();
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.connection.quit();
      } catch {
        this.connection.close();
      }
    });
  }
}

/**
 * SASL XOAUTH2 (Google and Microsoft): `user=…^Aauth=Bearer …^A^A`. On a refused token Google
 * answers 334 with a JSON challenge, and an empty line then gets the final 5xx; Microsoft answers
 * 535 at once. Either way the 5xx becomes the error (the caller refreshes the token and reconnects).
 *
 * Registered under its own name: SMTPConnection replaces a requested "XOAUTH2" by another
 * method unless it is given its own token generator, which would refresh tokens behind our back.
 */
const XOAUTH2_METHOD = 'LEDGERDROP-XOAUTH2';

function xoauth2(user: string, accessToken: string): SMTPConnectionCustomAuthHandler {
  return async (ctx) => {
    if (!ctx.authMethods.includes('XOAUTH2')) {
      ctx.reject(new SmtpStepError('ENOAUTHOFFERED', 'EHLO', 'The server does not offer sign-in with an account token (XOAUTH2).'));
      return;
    }
    const token = Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
    let reply = await ctx.sendCommand(`AUTH XOAUTH2 ${token}`);
    if (reply.status === 334) reply = await ctx.sendCommand('');
    if (reply.status === 235) ctx.resolve();
    else ctx.reject(new Error('Invalid login'));
  };
}

function abortError(): SmtpStepError {
  return new SmtpStepError('EABORT', 'API', 'Stopped before the message was sent.');
}
