/**
 * The e-mail connection's settings, read and checked once per session: the SMTP server (`host`,
 * `port`, `security`), who signs in (`username`, the secret `password`), the sender (`from`,
 * `fromName`), an extra certificate authority (`caFile`), the message templates and how documents
 * are grouped into e-mails, and `auth` (a password, or a Microsoft 365 / Google sign-in whose
 * app is set by `oauthClientId`, `tenant`, `oauthClientSecret` — read by ../oauth). A setting that cannot work stops the connection (fatal-connection)
 * with the fix, before anything is sent.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { DeliveryError } from '../types.ts';
import { DEFAULT_BODY_TEMPLATE, DEFAULT_SUBJECT_TEMPLATE, templateProblem } from './template.ts';

export const SECURITY_CHOICES = ['starttls', 'tls', 'none'] as const;
export type Security = (typeof SECURITY_CHOICES)[number];
export const GROUPING_CHOICES = ['per-document', 'per-file'] as const;
export type Grouping = (typeof GROUPING_CHOICES)[number];
/** How the connection signs in: a password (or none), or a Microsoft 365 / Google account in the browser (XOAUTH2). */
export const AUTH_CHOICES = ['password', 'oauth2-microsoft', 'oauth2-google'] as const;
export type EmailAuth = (typeof AUTH_CHOICES)[number];

/** The usual port for each security mode (submission with STARTTLS, SMTPS, plain SMTP). */
export const DEFAULT_PORTS: Readonly<Record<Security, number>> = { starttls: 587, tls: 465, none: 25 };

export interface EmailSettings {
  host: string;
  port: number;
  security: Security;
  from: string;
  fromName: string | null;
  /** Who signs in; the sender address when not set. */
  username: string | null;
  caFile: string | null;
  subjectTemplate: string;
  bodyTemplate: string;
  grouping: Grouping;
  auth: EmailAuth;
}

/**
 * One mailbox address, strictly: `local@domain`, no display name, no spaces, quotes, angle
 * brackets, commas or control characters — so it can never carry a second address or a header.
 */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,61}[A-Za-z0-9\u00a1-\uffff])?\.)+[A-Za-z\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff-]*$/;

export function isMailboxAddress(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value) && !/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(value);
}

function text(settings: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = settings[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function notConfigured(message: string): DeliveryError {
  return new DeliveryError('fatal-connection', 'not-configured', message);
}

/** The settings, or throws DeliveryError('fatal-connection', 'not-configured' | 'invalid-template'). */
export function readEmailSettings(settings: Readonly<Record<string, unknown>>): EmailSettings {
  const host = text(settings, 'host');
  if (host === null) throw notConfigured('No SMTP server is set for this e-mail connection. Fill in the server name (for example smtp.office365.com or smtp.gmail.com) in the connection settings.');
  // eslint-disable-next-line no-control-regex
  if (/[\s/\\@\u0000-\u001f]/.test(host)) throw notConfigured(`"${host}" is not a server name. Fill in only the name of the SMTP server (such as smtp.example.com), without "smtp://", a path or an address.`);

  const rawSecurity = settings.security ?? 'starttls';
  if (typeof rawSecurity !== 'string' || !(SECURITY_CHOICES as readonly string[]).includes(rawSecurity)) {
    throw notConfigured(`The security setting "${String(rawSecurity)}" is not one of ${SECURITY_CHOICES.join(', ')}. Choose starttls (port 587) or tls (port 465); none only for a server on your own network.`);
  }
  const security = rawSecurity as Security;

  let port = DEFAULT_PORTS[security];
  if (settings.port !== undefined && settings.port !== null && settings.port !== '') {
    const value = typeof settings.port === 'string' ? Number(settings.port) : settings.port;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
      throw notConfigured(`The port "${String(settings.port)}" is not a port number. Use the number your e-mail provider gives: usually 587 (starttls) or 465 (tls).`);
    }
    port = value;
  }

  const from = text(settings, 'from');
  if (from === null) throw notConfigured('No sender address is set for this e-mail connection. Fill in the address the documents are sent from (usually the mailbox you sign in with).');
  if (!isMailboxAddress(from)) throw notConfigured(`The sender address "${from}" is not an e-mail address such as office@example.be. Correct it in the connection settings.`);

  const username = text(settings, 'username');
  // eslint-disable-next-line no-control-regex
  if (username !== null && /[\u0000-\u001f\u007f]/.test(username)) throw notConfigured('The username contains a line break or another control character. Type it again in the connection settings.');

  const caFile = text(settings, 'caFile');
  if (caFile !== null && !path.isAbsolute(caFile)) throw notConfigured(`The certificate authority file "${caFile}" is not a full path. Choose the file (PEM) again in the connection settings.`);

  const subjectTemplate = typeof settings.subjectTemplate === 'string' && settings.subjectTemplate.trim() !== '' ? settings.subjectTemplate : DEFAULT_SUBJECT_TEMPLATE;
  const bodyTemplate = typeof settings.bodyTemplate === 'string' && settings.bodyTemplate.trim() !== '' ? settings.bodyTemplate : DEFAULT_BODY_TEMPLATE;
  for (const [template, what] of [[subjectTemplate, 'subject template'], [bodyTemplate, 'body template']] as const) {
    const problem = templateProblem(template, what);
    if (problem !== null) throw new DeliveryError('fatal-connection', 'invalid-template', `${problem} Correct it in the connection settings.`);
  }

  const rawGrouping = settings.grouping ?? 'per-document';
  if (typeof rawGrouping !== 'string' || !(GROUPING_CHOICES as readonly string[]).includes(rawGrouping)) {
    throw notConfigured(`The grouping "${String(rawGrouping)}" is not one of ${GROUPING_CHOICES.join(', ')}. Choose it again in the connection settings.`);
  }

  const rawAuth = settings.auth ?? 'password';
  if (typeof rawAuth !== 'string' || !(AUTH_CHOICES as readonly string[]).includes(rawAuth)) {
    throw notConfigured(`The sign-in method "${String(rawAuth)}" is not one of ${AUTH_CHOICES.join(', ')}. Choose it again in the connection settings.`);
  }

  return {
    host,
    port,
    security,
    from,
    fromName: text(settings, 'fromName'),
    username,
    caFile,
    subjectTemplate,
    bodyTemplate,
    grouping: rawGrouping as Grouping,
    auth: rawAuth as EmailAuth,
  };
}

/** The domain of the sender address, for Message-IDs; `ledgerdrop.invalid` when it is not plain ASCII. */
export function senderDomain(from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  return /^[a-z0-9.-]+$/.test(domain) ? domain : 'ledgerdrop.invalid';
}

/**
 * TLS options: certificates are always verified, against the usual authorities plus the
 * connection's own CA file when there is one. Node's `ca` option replaces the default list, so
 * the default list is passed along with the extra one.
 */
export async function tlsOptions(settings: EmailSettings): Promise<tls.ConnectionOptions> {
  const options: tls.ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  if (isIP(settings.host) === 0) options.servername = settings.host;
  if (settings.caFile === null) return options;
  let pem: string;
  try {
    pem = await readFile(settings.caFile, 'utf8');
  } catch (error) {
    throw new DeliveryError('fatal-connection', 'ca-file-unreadable', `Cannot read the certificate authority file ${settings.caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check that it exists and that Ledgerdrop may read it, or remove it from the connection settings.`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DeliveryError('fatal-connection', 'ca-file-unreadable', `${settings.caFile} holds no certificate in PEM form (text starting with -----BEGIN CERTIFICATE-----). Export the certificate authority as PEM and choose that file.`);
  }
  const defaults = typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : [...tls.rootCertificates];
  options.ca = [...defaults, pem];
  return options;
}
