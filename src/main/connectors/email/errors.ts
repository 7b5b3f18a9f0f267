/**
 * What an SMTP failure means for the delivery (GUIDE §3), in words the user can act on:
 *
 * - the server cannot be reached, the connection drops, a timeout, any 4xx reply (greylisting,
 *   "try again later", mailbox temporarily full), 421 and 503: **retry**;
 * - the server refuses the sign-in (535 and other 5xx to AUTH), refuses the sender address, wants a
 *   sign-in we do not have, or its certificate cannot be verified, or the security setting does
 *   not match the port: **fatal for the connection** (the same for every client; the user fixes
 *   the settings);
 * - a 5xx to the recipient or to the message itself (unknown mailbox, message too large, refused
 *   as spam): **no-retry** for that document, with the server's reply.
 *
 * Replies are shown with control characters removed and cut short; any secret (password, token,
 * and their base64 forms as sent in AUTH) is blotted out of them first.
 */
import { DeliveryError, NEEDS_SIGN_IN } from '../types.ts';
import type { AddressField } from './routing.ts';
import type { Security } from './settings.ts';
import { CERTIFICATE_CODES } from '../network-errors.ts';

export interface FailureContext {
  /** Setting the connection up (connect, TLS, sign-in) or sending over it. */
  phase: 'connect' | 'send';
  /** For the sign-in hint. */
  connectionId?: string;
  host: string;
  port: number;
  security: Security;
  /** Who signs in, when anyone does. */
  user: string | null;
  /** How: a password, or an OAuth token (a refused token means "sign in again"). */
  authKind: 'password' | 'oauth' | 'none';
  from: string;
  /** For recipient refusals. */
  recipient?: { address: string; field: AddressField; clientName: string };
  /** Names of the attached files, for message refusals. */
  document?: string;
  secrets: readonly string[];
}

interface SmtpFailure {
  code?: string;
  originalCode?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}


/** Every form a secret may take on the wire: as is, base64, and inside AUTH PLAIN / XOAUTH2. */
function secretForms(secrets: readonly string[], user: string | null): string[] {
  const forms = new Set<string>();
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(b64(secret));
    if (user !== null) {
      forms.add(b64(`\u0000${user}\u0000${secret}`));
      forms.add(b64(`user=${user}\u0001auth=Bearer ${secret}\u0001\u0001`));
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Text from a server or a library, safe to show and store: no secrets, no control characters, not too long. */
export function scrub(text: string, secrets: readonly string[], user: string | null = null, max = 300): string {
  let result = text;
  for (const form of secretForms(secrets, user)) result = result.split(form).join('***');
  // eslint-disable-next-line no-control-regex
  result = result.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return result.length > max ? `${result.slice(0, max - 1)}…` : result;
}

function reply(error: SmtpFailure, ctx: FailureContext): string {
  return error.response ? scrub(error.response, ctx.secrets, ctx.user) : '';
}

function said(error: SmtpFailure, ctx: FailureContext): string {
  const text = reply(error, ctx);
  return text ? ` The server answered: "${text}".` : '';
}

function signInHint(ctx: FailureContext): string {
  return `Sign in again: use Sign in on the connection${ctx.connectionId ? `, or run \`ledgerdrop connections sign-in ${ctx.connectionId}\`` : ''}. If it keeps failing, the mailbox may not allow sending with SMTP (Microsoft 365: "Authenticated SMTP" must be on for it).`;
}

function server(ctx: FailureContext): string {
  return `${ctx.host}:${ctx.port}`;
}

/** True when a reply says the provider turned password sign-in off (Microsoft 365 5.7.139 / 5.7.30, Gmail 5.7.9/5.7.8 with "application-specific"). */
function basicAuthDisabled(text: string): boolean {
  return /5\.7\.(139|30)\b|basic auth(entication)? is (disabled|not supported)|application-specific password/i.test(text);
}

export function classifySmtpError(raw: unknown, ctx: FailureContext): DeliveryError {
  if (raw instanceof DeliveryError) return raw;
  const error: SmtpFailure = typeof raw === 'object' && raw !== null ? (raw as SmtpFailure) : { message: String(raw) };
  const code = error.code ?? '';
  const original = error.originalCode ?? '';
  const command = (error.command ?? '').toUpperCase();
  const status = typeof error.responseCode === 'number' ? error.responseCode : 0;
  const permanent = status >= 500 && status !== 503;
  const detail = scrub(error.message ?? '', ctx.secrets, ctx.user, 200);
  const options = { cause: raw };

  if (code === 'EABORT') return new DeliveryError('retry', 'aborted', 'Sending was stopped before the server accepted the message; it will be sent again.', options);

  // The connection and its encryption.
  if (CERTIFICATE_CODES.has(original) || CERTIFICATE_CODES.has(code)) {
    return new DeliveryError(
      'fatal-connection',
      'certificate-untrusted',
      `The certificate of ${server(ctx)} could not be verified (${detail || original}). If the address is right and the server uses a certificate from your organisation's own authority, add that authority's certificate (PEM file) as caFile in the connection settings; otherwise check the server name with your e-mail provider.`,
      options,
    );
  }
  if (command === 'STARTTLS' || (code === 'ETLS' && status > 0)) {
    return new DeliveryError(
      'fatal-connection',
      'starttls-unavailable',
      `${server(ctx)} does not offer an encrypted connection (STARTTLS), which security "starttls" requires.${said(error, ctx)} Use security "tls" (usually with port 465) if the server supports it; choose "none" only for a server on your own network, since the password and documents would travel unencrypted.`,
      options,
    );
  }
  // A handshake that fails while connecting is a settings problem; a TLS error later is a dropped connection.
  if (ctx.phase === 'connect' && (code === 'ETLS' || /^ERR_SSL_|^EPROTO$|^ERR_TLS_/.test(original) || /wrong version number|ssl routines|tls alert/i.test(detail))) {
    return new DeliveryError(
      'fatal-connection',
      'tls-failed',
      `No encrypted connection could be set up with ${server(ctx)} using security "${ctx.security}" (${detail || original || code}). Check that the port and the security setting go together: 587 with "starttls", 465 with "tls".`,
      options,
    );
  }
  if (code === 'ENOAUTHOFFERED' || original === 'ENOAUTHOFFERED') {
    return new DeliveryError(
      'fatal-connection',
      'auth-not-offered',
      `${server(ctx)} does not offer sign-in${ctx.authKind === 'oauth' ? ' with an account token (XOAUTH2)' : ''} on this connection${ctx.security === 'none' ? ' (most servers only allow it on an encrypted one: try security "starttls")' : ''}. Check the server and port with your e-mail provider, or remove the password if this server takes mail without signing in.`,
      options,
    );
  }
  if (code === 'EDNS' || original === 'ENOTFOUND' || original === 'EAI_AGAIN') {
    return new DeliveryError('retry', 'server-unreachable', `The server name ${ctx.host} could not be looked up (${original || code}). Check the name in the connection settings and the internet connection; Ledgerdrop tries again.`, options);
  }

  // Signing in.
  if (code === 'EAUTH' || command.startsWith('AUTH')) {
    if (status >= 400 && status < 500) return new DeliveryError('retry', 'auth-unavailable', `${server(ctx)} could not check the sign-in right now.${said(error, ctx)}`, options);
    if (status === 0 && /missing credentials/i.test(error.message ?? '')) {
      return new DeliveryError('fatal-connection', 'not-configured', 'The username or password for the SMTP server is missing. Fill them in in the connection settings.', options);
    }
    if (ctx.authKind === 'oauth') {
      return new DeliveryError('fatal-connection', NEEDS_SIGN_IN, `${server(ctx)} refused the sign-in of ${ctx.user ?? 'the account'}.${said(error, ctx)} ${signInHint(ctx)}`, options);
    }
    const text = reply(error, ctx);
    if (basicAuthDisabled(text)) {
      return new DeliveryError(
        'fatal-connection',
        'password-sign-in-disabled',
        `${server(ctx)} no longer accepts a password for ${ctx.user ?? 'this account'}.${said(error, ctx)} For Microsoft 365 or Gmail, use an app password or sign in with the provider's account instead (OAuth), or ask the mailbox's administrator to allow SMTP sign-in.`,
        options,
      );
    }
    return new DeliveryError(
      'fatal-connection',
      'auth-failed',
      `${server(ctx)} refused the username or password of ${ctx.user ?? 'this account'}.${said(error, ctx)} Check the username and password in the connection settings (Microsoft 365 and Gmail accounts with two-step verification need an app password).`,
      options,
    );
  }

  if (status === 421 || (status >= 400 && status < 500) || status === 503) {
    return new DeliveryError('retry', 'server-busy', `${server(ctx)} asked to try again later.${said(error, ctx)}`, options);
  }

  // The envelope and the message.
  if (command === 'MAIL FROM' && permanent) {
    if (status === 530 || /authenticat/i.test(reply(error, ctx))) {
      return new DeliveryError(
        'fatal-connection',
        ctx.authKind === 'oauth' ? NEEDS_SIGN_IN : 'sign-in-required',
        `${server(ctx)} only takes mail after signing in.${said(error, ctx)} ${ctx.authKind === 'oauth' ? signInHint(ctx) : 'Fill in the username and password in the connection settings.'}`,
        options,
      );
    }
    if (basicAuthDisabled(reply(error, ctx))) {
      return new DeliveryError('fatal-connection', 'password-sign-in-disabled', `${server(ctx)} no longer accepts mail sent with a password.${said(error, ctx)} Sign in with the provider's account (OAuth) or use an app password.`, options);
    }
    return new DeliveryError(
      'fatal-connection',
      'sender-refused',
      `${server(ctx)} refuses to send mail from ${ctx.from}.${said(error, ctx)} Use a sender address the account you sign in with may send from (usually its own address).`,
      options,
    );
  }
  if (code === 'EMESSAGE' && status === 0 && /size/i.test(error.message ?? '')) {
    return new DeliveryError('no-retry', 'too-large', `The e-mail with ${ctx.document ?? 'this document'} is larger than ${server(ctx)} accepts (${detail}). Attachments grow by a third when sent by e-mail; send the PDF separately or turn "PDF alongside" off for this client, then retry.`, options);
  }
  if (command === 'RCPT TO' && permanent) {
    const who = ctx.recipient;
    return new DeliveryError(
      'no-retry',
      'recipient-refused',
      `${server(ctx)} refused the recipient ${who?.address ?? ''}.${said(error, ctx)} Check ${who ? `the client ${who.clientName}'s ${who.field}` : 'the address'}, then retry.`,
      options,
    );
  }
  if (permanent) {
    const text = reply(error, ctx);
    if (status === 552 || /size|too (large|big)/i.test(text)) {
      return new DeliveryError('no-retry', 'too-large', `${server(ctx)} refused the e-mail with ${ctx.document ?? 'this document'} as too large.${said(error, ctx)} Turn "PDF alongside" off for this client, or deliver it another way.`, options);
    }
    return new DeliveryError('no-retry', 'message-refused', `${server(ctx)} refused the e-mail with ${ctx.document ?? 'this document'}.${said(error, ctx)}`, options);
  }

  // Anything else: the network, a dropped connection, a timeout.
  if (code === 'ETIMEDOUT') return new DeliveryError('retry', 'timeout', `${server(ctx)} did not answer in time. Ledgerdrop tries again.`, options);
  if (original === 'ECONNREFUSED') return new DeliveryError('retry', 'server-unreachable', `Nothing answers at ${server(ctx)} (connection refused). Check the server name and port in the connection settings; Ledgerdrop tries again.`, options);
  if (code === 'ECONNECTION' || code === 'ESOCKET' || /^E(CONNRESET|PIPE|HOSTUNREACH|NETUNREACH|CONNABORTED)$/.test(original)) {
    return new DeliveryError('retry', 'connection-lost', `The connection to ${server(ctx)} was lost (${detail || original || code}). Ledgerdrop sends the document again.`, options);
  }
  return new DeliveryError('retry', 'unexpected', `Sending through ${server(ctx)} failed: ${detail || code || 'unknown error'}.`, options);
}
