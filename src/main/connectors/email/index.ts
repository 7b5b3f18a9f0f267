/**
 * E-mail (SMTP): sends each document to the client's import mailbox at the accounting package
 * (an Octopus dossier mailbox, a Yuki administration address, a Billtobox intake address…), as an
 * attachment, one e-mail per document.
 *
 * Connection settings: the SMTP server (`host`, `port`, `security`: starttls (default), tls, or
 * none, which must be chosen explicitly), `from`/`fromName`, `username` (default: the sender
 * address) and the secret `password` (none: send without signing in) — or `auth`
 * oauth2-microsoft / oauth2-google: XOAUTH2 with a token from the browser sign-in (../oauth;
 * `oauthClientId`, `tenant`, `oauthClientSecret`; the secret `refreshToken` may also be given to
 * `config apply`), refreshed once when the server refuses it —, `caFile` (an extra
 * certificate authority; certificates are always verified), `subjectTemplate`/`bodyTemplate`
 * (template.ts), and `grouping` (`per-document`, or `per-file` for mailboxes that take each
 * e-mail as one document).
 *
 * Client fields: `inboundEmail`, `outboundEmail`, `sameAddress`, `statementsEmail` and `attachPdf`
 * (routing.ts says where each document goes and which files it carries).
 *
 * Exactly once: the Message-ID is derived from the delivery id (message.ts), so a retried delivery
 * carries the same Message-ID; failures are classified in errors.ts (4xx retry, 5xx no-retry with
 * the server's reply, refused sign-in stops the connection). The receipt names the Message-ID and
 * the recipient of each e-mail.
 */
import { getAccessToken, oauthProvider, signInWithBrowser, type OAuthProvider } from '../oauth/index.ts';
import type { ConnectorContext, ConnectorDefinition, ConnectorSession, DeliveryClient, DeliveryDocument, DeliveryReceipt, SignInUi, TestResult } from '../types.ts';
import { DeliveryError, deliverInOwnSession } from '../types.ts';
import { classifySmtpError, type FailureContext } from './errors.ts';
import { composeEmails } from './message.ts';
import { filesToAttach, recipientFor } from './routing.ts';
import { AUTH_CHOICES, GROUPING_CHOICES, readEmailSettings, SECURITY_CHOICES, tlsOptions, type EmailSettings } from './settings.ts';
import { SmtpLink, type SmtpConnectOptions } from './smtp.ts';
import { DEFAULT_BODY_TEMPLATE, DEFAULT_SUBJECT_TEMPLATE, renderSubject, SAMPLE_EMAIL_VALUES, templateProblem } from './template.ts';

export const EMAIL_ID = 'email';

/** Who signs in and how; `auth()` gives what the next connection signs in with (a fresh token for OAuth). */
interface Credentials {
  kind: FailureContext['authKind'];
  user: string | null;
  /** Every secret seen so far, blotted out of any message shown. */
  secrets: string[];
  auth(options?: { forceRefresh?: boolean; rejectedToken?: string }): Promise<SmtpConnectOptions['auth']>;
}

function providerFor(settings: EmailSettings, ctx: ConnectorContext): OAuthProvider | null {
  if (settings.auth === 'oauth2-microsoft') return oauthProvider('microsoft', ctx.settings);
  if (settings.auth === 'oauth2-google') return oauthProvider('google', ctx.settings);
  return null;
}

async function credentials(ctx: ConnectorContext, settings: EmailSettings): Promise<Credentials> {
  const provider = providerFor(settings, ctx);
  if (provider !== null) {
    // XOAUTH2: the mailbox is the user; the token comes from the sign-in (refreshed when due).
    const user = settings.username ?? settings.from;
    const creds: Credentials = {
      kind: 'oauth',
      user,
      secrets: [],
      auth: async (options = {}) => {
        const accessToken = await getAccessToken(ctx, provider, options);
        creds.secrets.push(accessToken);
        return { user, accessToken };
      },
    };
    return creds;
  }
  const password = await ctx.secret('password');
  if (password !== null && password !== '') {
    const user = settings.username ?? settings.from;
    return { kind: 'password', user, secrets: [password], auth: async () => ({ user, pass: password }) };
  }
  if (settings.username !== null) {
    throw new DeliveryError('fatal-connection', 'not-configured', `A username (${settings.username}) is set for the SMTP server but no password is stored. Enter the password in the connection settings, or remove the username if the server takes mail without signing in.`);
  }
  return { kind: 'none', user: null, secrets: [], auth: async () => null };
}

function failureContext(ctx: ConnectorContext, settings: EmailSettings, creds: Credentials, phase: FailureContext['phase']): FailureContext {
  return {
    phase,
    connectionId: ctx.connectionId,
    host: settings.host,
    port: settings.port,
    security: settings.security,
    user: creds.user,
    authKind: creds.kind,
    from: settings.from,
    secrets: creds.secrets,
  };
}

type ServerOptions = Omit<SmtpConnectOptions, 'auth'>;

/** The settings and what is needed to connect, or throws DeliveryError (fatal-connection). */
async function prepare(ctx: ConnectorContext): Promise<{ settings: EmailSettings; server: ServerOptions; creds: Credentials }> {
  const settings = readEmailSettings(ctx.settings);
  const creds = await credentials(ctx, settings);
  const server: ServerOptions = { host: settings.host, port: settings.port, security: settings.security, tls: await tlsOptions(settings) };
  return { settings, server, creds };
}

function refusedSignIn(error: unknown): boolean {
  const e = error as { code?: string; responseCode?: number };
  return e?.code === 'EAUTH' && typeof e.responseCode === 'number' && e.responseCode >= 500;
}

/**
 * Connects and signs in. An OAuth token the server refuses (revoked, or expired early) is
 * refreshed once and tried again; refused again, the connection needs a new sign-in.
 */
async function openLink(ctx: ConnectorContext, server: ServerOptions, settings: EmailSettings, creds: Credentials): Promise<SmtpLink> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  let auth = await creds.auth();
  try {
    return await SmtpLink.open({ ...server, auth, ...signal });
  } catch (error) {
    if (creds.kind !== 'oauth' || !refusedSignIn(error) || auth === null || !('accessToken' in auth)) throw classifySmtpError(error, failureContext(ctx, settings, creds, 'connect'));
    auth = await creds.auth({ forceRefresh: true, rejectedToken: auth.accessToken });
  }
  try {
    return await SmtpLink.open({ ...server, auth, ...signal });
  } catch (error) {
    throw classifySmtpError(error, failureContext(ctx, settings, creds, 'connect'));
  }
}

class EmailSession implements ConnectorSession {
  private link: SmtpLink | null = null;
  private readonly ctx: ConnectorContext;
  private readonly settings: EmailSettings;
  private readonly server: ServerOptions;
  private readonly creds: Credentials;

  constructor(ctx: ConnectorContext, prepared: Awaited<ReturnType<typeof prepare>>) {
    this.ctx = ctx;
    this.settings = prepared.settings;
    this.server = prepared.server;
    this.creds = prepared.creds;
  }

  /** The open connection, or a new one when the server ended the last (its idle timeout between documents). */
  private async openLink(): Promise<SmtpLink> {
    if (this.link?.usable) return this.link;
    this.link = null;
    this.link = await openLink(this.ctx, this.server, this.settings, this.creds);
    return this.link;
  }

  async deliver(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryReceipt> {
    // Everything about this document is checked before anything is sent.
    const recipient = recipientFor(doc, client);
    const files = await filesToAttach(doc, client);
    const emails = await composeEmails(doc, client, files, recipient, this.settings);
    const total = emails.reduce((sum, email) => sum + email.raw.length, 0);
    let done = 0;
    const refs: string[] = [];
    for (const email of emails) {
      const link = await this.openLink();
      const progress = this.ctx.progress;
      try {
        const info = await link.send({ from: this.settings.from, to: recipient.address }, email.raw, {
          ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
          ...(progress ? { onProgress: (sent: number) => progress(done + sent, total) } : {}),
        });
        const serverId = info.serverMessageId && info.serverMessageId !== email.messageId ? ` (the server renamed it ${info.serverMessageId})` : '';
        refs.push(`${email.messageId} to ${recipient.address}${serverId}`);
      } catch (error) {
        throw classifySmtpError(error, { ...failureContext(this.ctx, this.settings, this.creds, 'send'), recipient: { address: recipient.address, field: recipient.field, clientName: client.name }, document: email.fileNames.join(', ') });
      }
      done += email.raw.length;
    }
    return { remoteRef: refs.join('\n') };
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }
}

async function openSession(ctx: ConnectorContext): Promise<ConnectorSession> {
  return new EmailSession(ctx, await prepare(ctx));
}

const deliver = deliverInOwnSession(openSession);

async function test(ctx: ConnectorContext): Promise<TestResult> {
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(ctx);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const { settings, server, creds } = prepared;
  let link: SmtpLink;
  try {
    link = await openLink(ctx, server, settings, creds);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  await link.close();
  const encryption = link.secure ? `${settings.security === 'tls' ? 'TLS' : 'STARTTLS'}${link.tlsProtocol ? ` (${link.tlsProtocol})` : ''}` : 'none — not encrypted';
  const facts: Record<string, string> = {
    server: `${settings.host}:${settings.port}`,
    encryption,
    'signed in as': link.signedInAs ?? 'not signed in',
    'sign-in method': creds.kind === 'oauth' ? (settings.auth === 'oauth2-google' ? 'Google account (OAuth)' : 'Microsoft 365 account (OAuth)') : creds.kind === 'password' ? 'password' : 'none',
    sender: settings.fromName ? `${settings.fromName} <${settings.from}>` : settings.from,
    'example subject': renderSubject(settings.subjectTemplate, SAMPLE_EMAIL_VALUES, SAMPLE_EMAIL_VALUES.original_name ?? ''),
    grouping: settings.grouping === 'per-file' ? 'one e-mail per file' : 'one e-mail per document, its files attached',
  };
  const warning = !link.secure && link.signedInAs !== null ? ' Warning: the connection is not encrypted, so the password and the documents travel readable by anyone on the network.' : '';
  return {
    ok: true,
    message: `Connected to ${settings.host}:${settings.port}${link.signedInAs ? ` and signed in as ${link.signedInAs}` : ''}. Documents will be sent from ${settings.from}.${warning}`,
    facts,
  };
}

/** Signs in to Microsoft 365 or Google in the browser (auth oauth2-microsoft / oauth2-google), then proves sending works. */
async function signIn(ctx: ConnectorContext, ui: SignInUi): Promise<TestResult> {
  let settings: EmailSettings;
  try {
    settings = readEmailSettings(ctx.settings);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const provider = providerFor(settings, ctx);
  if (provider === null) {
    return { ok: false, message: 'This connection signs in with a password, not in the browser. To use a Microsoft 365 or Google account instead, set auth to oauth2-microsoft or oauth2-google (with the app\'s client ID), then sign in.' };
  }
  const signedIn = await signInWithBrowser(ctx, ui, provider);
  if (!signedIn.ok) return signedIn;
  const check = await test(ctx);
  if (!check.ok) return { ok: false, message: `${signedIn.message} But the mail server does not accept it yet: ${check.message}` };
  return { ...check, message: `${signedIn.message} ${check.message}` };
}

/** For `config apply`: what readEmailSettings would refuse at the first delivery, refused up front. */
function checkSettings(settings: Readonly<Record<string, unknown>>): { key: string; problem: string }[] {
  const problems: { key: string; problem: string }[] = [];
  for (const key of ['subjectTemplate', 'bodyTemplate'] as const) {
    const value = settings[key];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const problem = templateProblem(value, key === 'subjectTemplate' ? 'subject template' : 'body template');
    if (problem !== null) problems.push({ key, problem });
  }
  if (problems.length > 0) return problems;
  try {
    readEmailSettings(settings);
  } catch (error) {
    if (error instanceof DeliveryError) problems.push({ key: '', problem: error.message });
    else throw error;
  }
  return problems;
}

export const emailConnector: ConnectorDefinition = {
  id: EMAIL_ID,
  nameKey: 'connector.email.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [
    { key: 'host', type: 'text', required: true, scope: 'connection', helpKey: 'connector.email.field.host' },
    { key: 'security', type: 'choice', required: false, default: 'starttls', choices: SECURITY_CHOICES, scope: 'connection', helpKey: 'connector.email.field.security' },
    { key: 'port', type: 'number', required: false, scope: 'connection', helpKey: 'connector.email.field.port' },
    { key: 'username', type: 'text', required: false, scope: 'connection', helpKey: 'connector.email.field.username' },
    { key: 'password', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.email.field.password' },
    { key: 'auth', type: 'choice', required: false, default: 'password', choices: AUTH_CHOICES, scope: 'connection', helpKey: 'connector.email.field.auth' },
    { key: 'oauthClientId', type: 'text', required: false, scope: 'connection', helpKey: 'connector.email.field.oauthClientId' },
    { key: 'tenant', type: 'text', required: false, scope: 'connection', helpKey: 'connector.email.field.tenant' },
    { key: 'oauthClientSecret', type: 'text', required: false, scope: 'connection', helpKey: 'connector.email.field.oauthClientSecret' },
    { key: 'refreshToken', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.email.field.refreshToken' },
    { key: 'from', type: 'email', required: true, scope: 'connection', helpKey: 'connector.email.field.from' },
    { key: 'fromName', type: 'text', required: false, scope: 'connection', helpKey: 'connector.email.field.fromName' },
    { key: 'caFile', type: 'path', required: false, scope: 'connection', helpKey: 'connector.email.field.caFile' },
    { key: 'subjectTemplate', type: 'text', required: false, default: DEFAULT_SUBJECT_TEMPLATE, scope: 'connection', helpKey: 'connector.email.field.subjectTemplate' },
    { key: 'bodyTemplate', type: 'text', required: false, default: DEFAULT_BODY_TEMPLATE, scope: 'connection', helpKey: 'connector.email.field.bodyTemplate' },
    { key: 'grouping', type: 'choice', required: false, default: 'per-document', choices: GROUPING_CHOICES, scope: 'connection', helpKey: 'connector.email.field.grouping' },
    { key: 'inboundEmail', type: 'email', required: false, scope: 'client', helpKey: 'connector.email.field.inboundEmail' },
    { key: 'outboundEmail', type: 'email', required: false, scope: 'client', helpKey: 'connector.email.field.outboundEmail' },
    { key: 'sameAddress', type: 'boolean', required: false, default: false, scope: 'client', helpKey: 'connector.email.field.sameAddress' },
    { key: 'statementsEmail', type: 'email', required: false, scope: 'client', helpKey: 'connector.email.field.statementsEmail' },
    { key: 'attachPdf', type: 'boolean', required: false, scope: 'client', helpKey: 'connector.email.field.attachPdf' },
  ],
  auth: ['none', 'password', 'oauth'],
  // Microsoft 365 accepts 30 messages a minute per mailbox; most providers limit parallel connections.
  limits: { concurrency: 2, perMinute: 30 },
  checkSettings,
  test,
  deliver,
  openSession,
  signIn,
};
