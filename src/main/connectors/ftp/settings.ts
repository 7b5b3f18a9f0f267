/**
 * The FTP connector's settings, read from a connection's stored settings and checked before anything
 * goes on the network. Every problem is a `fatal-connection` DeliveryError (the connection cannot
 * work until the user changes it) with a sentence that says what to change.
 *
 * Security: explicit TLS (`AUTH TLS` on port 21) by default; implicit TLS (port 990) for servers that
 * only offer that; plain FTP only with `security: 'none'` AND `allowPlainFtp: true` — both chosen by
 * the user, so a password never crosses the network in clear text by accident.
 */
import { DEFAULT_PATH_TEMPLATE, validateTemplate } from '../path-template.ts';
import { DeliveryError } from '../types.ts';

export const SECURITY_CHOICES = ['explicit-tls', 'implicit-tls', 'none'] as const;
export type Security = (typeof SECURITY_CHOICES)[number];

export const DEFAULT_TIMEOUT_SECONDS = 30;
/** The usual ports: 21 for plain and explicit TLS (`AUTH TLS` on the normal port), 990 for implicit TLS. */
export const DEFAULT_PORT = 21;
export const DEFAULT_IMPLICIT_PORT = 990;

export interface FtpSettings {
  host: string;
  port: number;
  username: string;
  security: Security;
  /** The pinned certificate's SHA-256 fingerprint (`AB:CD:…`, upper case), or null: the system's trusted authorities decide. */
  certFingerprint: string | null;
  /** The remote base folder as the user wrote it (absolute, or relative to the login folder); null = the login folder. */
  folder: string | null;
  pathTemplate: string;
  /** How long the server may stay silent (connecting, answering a command, accepting data) before the attempt is given up. */
  timeoutMs: number;
}

function text(settings: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = settings[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function fatal(code: string, message: string): DeliveryError {
  return new DeliveryError('fatal-connection', code, message);
}

/**
 * `AB:CD:…` (upper case, colon-separated) from what a user may paste: with or without colons or
 * spaces, any case, with a `SHA256:`/`sha256 Fingerprint=` prefix. Null when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(value: string): string | null {
  const hex = value
    .trim()
    .replace(/^sha-?256\s*(fingerprint)?\s*[:=]?\s*/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Checks the plain-text settings of an FTP connection (the password is read separately). Throws DeliveryError. */
export function readSettings(settings: Readonly<Record<string, unknown>>): FtpSettings {
  const host = text(settings, 'host');
  if (host === null) throw fatal('not-configured', 'No FTP server is set for this connection. Enter the server name (such as ftp.example.be) in the connection settings.');
  if (/^[a-z]+:\/\//i.test(host) || /[\s/\\@]/.test(host)) {
    throw fatal('not-configured', `"${host}" is not a server name. Enter only the name or address of the FTP server (such as ftp.example.be or 192.168.1.20), without "ftp://", a folder or a user name; the port, folder and user name have their own settings.`);
  }

  const security = settings.security ?? 'explicit-tls';
  if (typeof security !== 'string' || !(SECURITY_CHOICES as readonly string[]).includes(security)) {
    throw fatal('not-configured', `The security setting "${String(security)}" is not known. Choose explicit-tls (the usual choice), implicit-tls or none.`);
  }
  if (security === 'none' && settings.allowPlainFtp !== true) {
    throw fatal(
      'plain-ftp-not-confirmed',
      `This connection is set to plain FTP without encryption: the password and the documents would cross the network readable by anyone on the way. Ledgerdrop only does that when you confirm it: set "allowPlainFtp" to true (in the app: tick "I accept an unencrypted connection"). Better, if ${host} supports it, set security to explicit-tls.`,
    );
  }

  const rawPort = settings.port;
  const port = rawPort === undefined || rawPort === null || rawPort === '' ? (security === 'implicit-tls' ? DEFAULT_IMPLICIT_PORT : DEFAULT_PORT) : Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw fatal('not-configured', `The port "${String(rawPort)}" is not a port number. Use the number your FTP provider gives (usually 21, or 990 for implicit TLS), or leave it empty.`);
  }

  const username = text(settings, 'username');
  if (username === null) throw fatal('not-configured', 'No user name is set for this FTP connection. Enter the FTP account name your provider gave you in the connection settings.');

  let certFingerprint: string | null = null;
  const pinned = text(settings, 'certFingerprint');
  if (pinned !== null) {
    certFingerprint = normalizeFingerprint(pinned);
    if (certFingerprint === null) {
      throw fatal('not-configured', `The certificate fingerprint "${pinned}" is not a SHA-256 fingerprint (64 hexadecimal digits, such as AB:CD:…). Clear it and run the connection test again: it shows the server's fingerprint to accept.`);
    }
  }

  const folder = text(settings, 'folder');
  // eslint-disable-next-line no-control-regex
  if (folder !== null && (folder.split('/').some((part) => part.trim() === '..') || /[\u0000-\u001f\u007f]/.test(folder))) {
    throw fatal('not-configured', `The server folder "${folder}" may not contain ".." or control characters. Enter the folder as the FTP server shows it, such as /import.`);
  }

  const pathTemplate = text(settings, 'pathTemplate') ?? DEFAULT_PATH_TEMPLATE;
  const problem = validateTemplate(pathTemplate);
  if (problem !== null) throw fatal('invalid-path-template', `The connection's path template cannot be used: ${problem}`);

  const rawTimeout = settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const timeoutSeconds = Number(rawTimeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) {
    throw fatal('not-configured', `The timeout "${String(rawTimeout)}" must be a number of seconds from 1 to 600 (${DEFAULT_TIMEOUT_SECONDS} suits most servers).`);
  }

  return { host, port, username, security: security as Security, certFingerprint, folder, pathTemplate, timeoutMs: Math.round(timeoutSeconds * 1000) };
}
