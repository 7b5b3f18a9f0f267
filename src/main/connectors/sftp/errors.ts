/**
 * What went wrong talking to an SFTP server, in the outbox's three classes (GUIDE §3) and in words
 * that say what to do. Two sources:
 * - connecting (ssh2 errors: socket, handshake, host key, sign-in) → connectFailure();
 * - file operations (SFTP status codes the server answers with) → operationFailure().
 * Messages never contain a password, key or passphrase: only host, user, paths and the server's
 * own short status text.
 */
import { DeliveryError } from '../types.ts';
import type { SeenHostKey } from './host-key.ts';
import type { SftpSettings } from './settings.ts';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7). */
export const SFTP_STATUS = { EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, BAD_MESSAGE: 5, NO_CONNECTION: 6, CONNECTION_LOST: 7, OP_UNSUPPORTED: 8 } as const;

export const HOST_KEY_CHANGED_MESSAGE = "The server's host key changed since you connected — confirm the new fingerprint with your IT provider before accepting it";

/** A connection attempt that failed, with the host key the server showed (when it got that far). */
export class SftpConnectError extends DeliveryError {
  readonly seenHostKey: SeenHostKey | null;
  constructor(failure: DeliveryError['failure'], code: string, message: string, seenHostKey: SeenHostKey | null, options?: { cause?: unknown }) {
    super(failure, code, message, options);
    this.name = 'SftpConnectError';
    this.seenHostKey = seenHostKey;
  }
}

export function statusCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
}

function rawMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function server(settings: SftpSettings): string {
  return settings.port === 22 ? settings.host : `${settings.host}:${settings.port}`;
}

/** Why the host key check refused the server, when it did (we decide, ssh2 only says "Host denied"). */
export type HostKeyRefusal = 'not-confirmed' | 'changed' | 'look-only' | null;

export function notConfirmedMessage(settings: SftpSettings, seen: SeenHostKey | null): string {
  const shown = seen ? ` It shows the fingerprint ${seen.fingerprint} (${seen.type}).` : '';
  return `Ledgerdrop does not send anything to ${server(settings)} until you confirm that it is really your server.${shown} Test the connection, check the fingerprint with your IT provider, and accept it (the Accept button, or ledgerdrop connections test <id> --accept, or "hostKey" in the connection's settings).`;
}

export function changedMessage(settings: SftpSettings, seen: SeenHostKey): string {
  return `${HOST_KEY_CHANGED_MESSAGE}. Expected: ${settings.hostKeyWritten}; ${server(settings)} now shows ${seen.fingerprint} (${seen.type}). Until then Ledgerdrop sends nothing to this server: a changed key can also mean that someone is intercepting the connection.`;
}

/**
 * Classifies a failed connection attempt. `refusal` is what our host key check decided; `secret`
 * names what was offered (e.g. "password"), for when the server refused the sign-in.
 */
export function connectFailure(error: unknown, settings: SftpSettings, context: { refusal: HostKeyRefusal; seen: SeenHostKey | null; secret: string }): SftpConnectError {
  if (error instanceof SftpConnectError) return error;
  const { refusal, seen } = context;
  const message = rawMessage(error);
  const level = (error as { level?: unknown } | null)?.level;
  const code = (error as { code?: unknown } | null)?.code;
  const where = server(settings);
  const make = (failure: DeliveryError['failure'], errorCode: string, text: string) => new SftpConnectError(failure, errorCode, text, seen, { cause: error });

  if (refusal === 'not-confirmed') return make('fatal-connection', 'host-key-not-confirmed', notConfirmedMessage(settings, seen));
  if (refusal === 'changed' && seen) return make('fatal-connection', 'host-key-changed', changedMessage(settings, seen));
  if (refusal === 'look-only') return make('fatal-connection', 'not-signed-in', `Only looked at ${where}'s host key; did not sign in.`);

  if (/Cannot parse privateKey|privateKey value|passphrase/i.test(message)) {
    const reason = message.replace(/^.*Cannot parse privateKey:\s*/i, '').replace(/[.\s]+$/, '');
    return make(
      'fatal-connection',
      'private-key-invalid',
      `The private key stored for this connection cannot be used (${reason}). Store the key in OpenSSH or PEM format (the file that starts with "-----BEGIN"), with its passphrase if it has one, then test the connection.`,
    );
  }
  if (level === 'client-authentication') {
    const what = context.secret;
    return make(
      'fatal-connection',
      'auth-failed',
      `${where} refused to sign in "${settings.username}" with the ${what} stored for this connection. Check the user name and ${what} with whoever manages the server, store the right one, then test the connection. Ledgerdrop does not try again by itself, so the account is not locked by repeated attempts.`,
    );
  }
  if (/^Unsupported algorithm/i.test(message)) {
    return make('fatal-connection', 'invalid-algorithms', `The advanced setting for key-exchange or cipher algorithms names one Ledgerdrop does not know (${message.replace(/^Unsupported algorithm:\s*/i, '')}). Correct or clear it in the connection settings.`);
  }
  if (/Handshake failed: no matching/i.test(message)) {
    const what = /key exchange/i.test(message) ? 'key-exchange method' : /host key/i.test(message) ? 'host key type' : /cipher/i.test(message) ? 'cipher' : /MAC/.test(message) ? 'message authentication method' : 'method';
    return make(
      'fatal-connection',
      'algorithms-mismatch',
      `${where} and Ledgerdrop have no ${what} in common, so they cannot set up a secure connection. Ask the server's administrator which algorithms it allows, and set them under the connection's advanced settings (prefix with "+" to add to Ledgerdrop's defaults).`,
    );
  }
  if (code === 'ECONNREFUSED') {
    return make('retry', 'server-refused', `${where} refused the connection: no SFTP server is listening there right now. If the host and port are right, the server may be restarting; Ledgerdrop will try again by itself.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || level === 'client-dns') {
    return make('retry', 'host-not-found', `The server name ${settings.host} could not be found. Check the host name in the connection settings and this computer's internet connection; Ledgerdrop will try again by itself.`);
  }
  if (level === 'client-timeout' || code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return make('retry', 'server-timeout', `${where} did not answer in time. Check the host, the port and that a firewall lets this computer reach the server; Ledgerdrop will try again by itself.`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENETDOWN') {
    return make('retry', 'network-unreachable', `${where} cannot be reached from this computer (${String(code)}). Check the network connection; Ledgerdrop will try again by itself.`);
  }
  return make('retry', 'connection-failed', `Could not connect to ${where} (${message.replace(/^getConnection:\s*/, '')}). Ledgerdrop will try again by itself.`);
}

/** ssh2's words (and Node's socket codes) for a connection that is gone. */
const LOST = /No response from server|not connected|connection (?:lost|closed)|ECONNRESET|EPIPE|socket/i;

/** A connection that dropped in the middle of an operation. */
export function connectionLost(settings: SftpSettings, what: string, cause?: unknown): DeliveryError {
  return new DeliveryError(
    'retry',
    'connection-lost',
    `The connection to ${server(settings)} was lost while ${what}. Nothing incomplete was left under the file's name; Ledgerdrop will try again by itself.`,
    { cause },
  );
}

/**
 * Classifies a failed file operation. `action` completes "while …" / "could not …" sentences, e.g.
 * "write /Invoice_import/INV-1.xml"; `folder` is the folder the user would have to fix.
 */
export function operationFailure(error: unknown, settings: SftpSettings, action: string, folder: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const status = statusCode(error);
  const text = rawMessage(error);
  switch (status) {
    case SFTP_STATUS.PERMISSION_DENIED:
      return new DeliveryError(
        'no-retry',
        'permission-denied',
        `${server(settings)} does not let "${settings.username}" ${action} (permission denied). Ask whoever manages the server to give this account write access to ${folder}, or change the upload path in the connection settings; then retry the delivery.`,
        { cause: error },
      );
    case SFTP_STATUS.NO_SUCH_FILE:
      return new DeliveryError('retry', 'destination-missing', `Could not ${action}: the folder ${folder} disappeared on the server meanwhile. Ledgerdrop will create it again and retry by itself.`, { cause: error });
    case SFTP_STATUS.BAD_MESSAGE:
      return new DeliveryError('no-retry', 'invalid-name', `${server(settings)} refused to ${action} (${text}): the server probably does not accept this file or folder name (too long, or characters it does not allow). Shorten the upload path or choose simpler names, then retry the delivery.`, { cause: error });
    case SFTP_STATUS.OP_UNSUPPORTED:
      return new DeliveryError('no-retry', 'unsupported', `${server(settings)} does not support what Ledgerdrop needs to ${action} (${text}). Ask the server's administrator, or use another upload method.`, { cause: error });
    case SFTP_STATUS.FAILURE:
      return new DeliveryError(
        'retry',
        'write-failed',
        `${server(settings)} could not ${action} ("${text}"). This is usually a full disk or a used-up quota on the server; Ledgerdrop will try again by itself. If it keeps failing, ask whoever manages the server.`,
        { cause: error },
      );
    case SFTP_STATUS.NO_CONNECTION:
    case SFTP_STATUS.CONNECTION_LOST:
      return connectionLost(settings, `trying to ${action}`, error);
    default:
      if (status === null && LOST.test(text)) return connectionLost(settings, `trying to ${action}`, error);
      return new DeliveryError('retry', 'sftp-error', `${server(settings)} could not ${action} (${text}). Ledgerdrop will try again by itself.`, { cause: error });
  }
}
