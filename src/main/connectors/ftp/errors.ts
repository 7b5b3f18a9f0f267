/**
 * Turning what basic-ftp and the network throw into classified DeliveryErrors with plain sentences
 * (GUIDE §3): the network and the server's temporary (4xx) replies are `retry`; what only the user
 * can fix about the connection (password, certificate, encryption) is `fatal-connection`; what is
 * wrong for one document or folder (a 5xx reply to STOR, MKD, RNTO) is decided by the caller, which
 * knows what it asked for.
 *
 * Messages quote the server's reply (it never contains the password: basic-ftp logs `PASS ###`, and
 * servers do not echo it) and never the password itself.
 */
import { systemErrorCode } from '../../engine/errors.ts';
import { DeliveryError } from '../types.ts';
import type { FtpSettings } from './settings.ts';
import { CERTIFICATE_CODES, CONNECTION_LOST_CODES, NAME_NOT_FOUND_CODES, UNREACHABLE_CODES } from '../network-errors.ts';

/**
 * True for basic-ftp's FTPError (a server reply with its code). Recognised by name so that
 * basic-ftp itself is loaded only when an FTP connection is used (see connect.ts).
 */
export function isFtpError(error: unknown): error is Error & { code: number } {
  return error instanceof Error && error.name === 'FTPError' && typeof (error as { code?: unknown }).code === 'number';
}

/** The FTP reply code of a server refusal (`550` …), or null for anything else. */
export function replyCode(error: unknown): number | null {
  return isFtpError(error) ? error.code : null;
}

/** The server's reply as one line, e.g. `550 Permission denied.` */
export function replyText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

export function serverName(settings: Pick<FtpSettings, 'host' | 'port'>): string {
  return `${settings.host}:${settings.port}`;
}

/** Certificate verification failures (Node/OpenSSL codes, and our own pin check). */
const CERTIFICATE = new Set([...CERTIFICATE_CODES, 'ERR_LEDGERDROP_CERT_CHANGED']);

/** True for errors of the TLS layer itself (handshake, protocol), as opposed to certificate trust. */
function isTlsProtocolError(error: unknown, code: string): boolean {
  return code.startsWith('ERR_SSL_') || code === 'EPROTO' || /wrong version number|packet length too long|unexpected eof while reading|ssl alert|tlsv1 alert|handshake failure/i.test(replyText(error));
}

/**
 * A network, timeout or server-busy failure while `doing` something (e.g. "uploading invoice.xml"),
 * as a DeliveryError. Replies 4xx are temporary (retry); other FTP replies are passed to `refused`
 * when given, else they become a retry too (unknown trouble: better to try again than to drop).
 */
export function networkFailure(error: unknown, settings: FtpSettings, doing: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const server = serverName(settings);
  const reply = replyCode(error);
  if (reply === 421) {
    return new DeliveryError('retry', 'server-busy', `The FTP server ${server} is busy or closing connections (it said: ${replyText(error)}) while ${doing}. Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (reply === 452 || reply === 552) {
    return new DeliveryError('retry', 'disk-full', `The FTP server ${server} has no room left for this account (it said: ${replyText(error)}) while ${doing}. Ask whoever runs the server to free space or raise the quota; Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (reply === 530) {
    return new DeliveryError('fatal-connection', 'auth-failed', `The FTP server ${server} no longer accepts this account (it said: ${replyText(error)}) while ${doing}. Check the user name and password in the connection settings, then test the connection.`, { cause: error });
  }
  if (reply !== null && reply >= 400 && reply < 500) {
    return new DeliveryError('retry', 'server-temporary-error', `The FTP server ${server} could not finish ${doing} for now (it said: ${replyText(error)}). Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (reply !== null) {
    return new DeliveryError('retry', 'server-refused', `The FTP server ${server} refused ${doing} (it said: ${replyText(error)}). Ledgerdrop will try again by itself; if it keeps failing, check the connection settings with whoever runs the server.`, { cause: error });
  }

  const code = systemErrorCode(error) ?? '';
  const message = replyText(error);
  if (NAME_NOT_FOUND_CODES.has(code)) {
    return new DeliveryError('retry', 'unreachable', `The server name ${settings.host} cannot be found. Check the name in the connection settings and that this computer is online; Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new DeliveryError('retry', 'unreachable', `Nothing answers at ${server} (${code === 'ECONNREFUSED' ? 'the connection was refused' : 'the network cannot reach it'}). Check the server name and port in the connection settings; if they are right, the FTP server is down or a firewall blocks it. Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return new DeliveryError(
      'retry',
      'timeout',
      `The FTP server ${server} stopped answering (nothing for ${Math.round(settings.timeoutMs / 1000)} seconds) while ${doing}. Ledgerdrop will try again by itself; if this keeps happening, check the server, or raise the connection's timeout for a slow line.`,
      { cause: error },
    );
  }
  if (/can't open data connection|transfer strategies/i.test(message)) {
    return new DeliveryError(
      'retry',
      'data-connection-failed',
      `Ledgerdrop could not open a data connection to ${settings.host} (passive mode) while ${doing}. A firewall may block the server's passive ports, or the server announces an address this computer cannot reach; ask whoever runs the server. Ledgerdrop will try again by itself.`,
      { cause: error },
    );
  }
  if (CERTIFICATE.has(code)) {
    return new DeliveryError(
      'fatal-connection',
      'certificate-untrusted',
      `The FTP server ${server}'s certificate could not be verified while ${doing} (${message}). Ledgerdrop stopped this connection. Test the connection: it shows the certificate, and if whoever runs the server confirms its fingerprint you can accept it.`,
      { cause: error },
    );
  }
  if (isTlsProtocolError(error, code)) {
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message; // OpenSSL's reason, without its internals
    return new DeliveryError(
      'fatal-connection',
      'tls-failed',
      `The encrypted connection to ${server} failed while ${doing} (${reason}). Check the security setting: most servers use explicit TLS on port 21; implicit TLS needs the server's implicit-TLS port (usually 990). Then test the connection.`,
      { cause: error },
    );
  }
  if (CONNECTION_LOST_CODES.has(code) || /closed|FIN packet|socket|not connected/i.test(message)) {
    return new DeliveryError('retry', 'connection-lost', `The connection to the FTP server ${server} broke off while ${doing}. Ledgerdrop will try again by itself.`, { cause: error });
  }
  return new DeliveryError('retry', 'ftp-error', `Something went wrong with the FTP server ${server} while ${doing}: ${message}. Ledgerdrop will try again by itself.`, { cause: error });
}
