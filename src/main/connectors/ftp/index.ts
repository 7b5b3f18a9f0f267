/**
 * FTP / FTPS: delivers documents to an FTP server — how many Belgian accounting packages receive
 * files (PingWin, BoCount, Wings, Yuki take CodaBox deliveries this way).
 *
 * Settings (per connection): `host`, `port` (empty: 21, or 990 with implicit TLS), `username`, the
 * secret `password` (keychain), `security` (`explicit-tls` by default, `implicit-tls`, or `none`,
 * which also needs `allowPlainFtp: true`), `certFingerprint` (the pinned SHA-256 fingerprint of a
 * certificate no trusted authority signed — the connection test offers it to accept),
 * `folder` (the server folder, absolute or relative to the login folder; empty = the login folder;
 * must exist), `pathTemplate` (as the local folder's; default
 * `[accounting_file_id]/[family]/[original_name]`) and `timeoutSeconds` (how long the server may stay
 * silent; 30). Per client: `subfolder`, a relative folder under `folder` (created when missing), or
 * an absolute server folder that replaces it for that client (must exist).
 *
 * Passive mode only (basic-ftp): the server must let us open data connections to its passive ports.
 *
 * Each file goes up as a partial and is renamed into place (upload.ts); the receipt's remoteRef lists
 * the final paths as `ftps://host/path`, one per line, main file first. The outbox keeps one session
 * (one logged-in control connection) per worker.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PARTIAL_PATTERN, partialNameFor } from '../atomic-write.ts';
import { DEFAULT_MAX_PATH, DEFAULT_PATH_TEMPLATE, PathTemplateError, SAMPLE_TEMPLATE_VALUES, renderPathTemplate, sanitizeSegment, templateValuesFromDelivery } from '../path-template.ts';
import type { ConnectorContext, ConnectorDefinition, ConnectorSession, DeliveryClient, DeliveryDocument, DeliveryReceipt, TestResult } from '../types.ts';
import { DeliveryError, deliverInOwnSession } from '../types.ts';
import { CertificateError, connect, connectGuarded, type CertificateInfo, type FtpConnection } from './connect.ts';
import { networkFailure, replyCode, replyText, serverName } from './errors.ts';
import { DEFAULT_IMPLICIT_PORT, DEFAULT_PORT, DEFAULT_TIMEOUT_SECONDS, SECURITY_CHOICES, readSettings, type FtpSettings } from './settings.ts';
import { RemoteFolder, joinRemote, normalizeRemote, putFileAtomic } from './upload.ts';

export const FTP_ID = 'ftp';
/** Most folders cleanupInterrupted lists on one server before it stops (a deep archive must not stall deliveries). */
const CLEANUP_MAX_FOLDERS = 2000;
/** cleanupInterrupted runs before deliveries: it waits at most this long for a silent server. */
const CLEANUP_TIMEOUT_MS = 15_000;

/** `ftps://host/path` (port only when it is not the usual one), as the user would look for the file. */
function remoteUrl(settings: FtpSettings, path: string): string {
  const usual = settings.security === 'implicit-tls' ? DEFAULT_IMPLICIT_PORT : DEFAULT_PORT;
  return `${settings.security === 'none' ? 'ftp' : 'ftps'}://${settings.host}${settings.port === usual ? '' : `:${settings.port}`}${path}`;
}

async function password(ctx: ConnectorContext): Promise<string> {
  const value = await ctx.secret('password');
  if (value === null || value === '') {
    throw new DeliveryError('fatal-connection', 'not-configured', 'No password is stored for this FTP connection. Enter it in the connection settings (or give it to `ledgerdrop config apply` from an environment variable), then test the connection.');
  }
  return value;
}

/** The connection's base folder on the server: `folder` (absolute, or under the login folder), else the login folder. */
function baseFolder(settings: FtpSettings, home: string): string {
  if (settings.folder === null) return normalizeRemote(home);
  return normalizeRemote(settings.folder.startsWith('/') ? settings.folder : joinRemote(home, settings.folder));
}

/** Where a client's documents go: an existing `root` and the folders to create below it. */
function clientRoot(base: string, client: DeliveryClient): { root: string; prefix: string[]; own: boolean } {
  const raw = client.fields.subfolder;
  const subfolder = typeof raw === 'string' ? raw.trim() : '';
  if (subfolder === '') return { root: base, prefix: [], own: false };
  const parts = subfolder.split(/[/\\]+/).filter((part) => part.trim() !== '');
  if (parts.some((part) => /^\s*\.{1,2}\s*$/.test(part))) {
    throw new DeliveryError('no-retry', 'invalid-subfolder', `The subfolder "${subfolder}" set for ${client.name} may not contain "." or ".." folders. Change it in the client's settings.`);
  }
  if (subfolder.startsWith('/')) return { root: normalizeRemote(subfolder), prefix: [], own: true };
  return { root: base, prefix: parts.map((part) => sanitizeSegment(part, undefined, false)), own: false };
}

function missingRoot(settings: FtpSettings, client: DeliveryClient, own: boolean) {
  return (root: string, cause: unknown): DeliveryError =>
    own
      ? new DeliveryError('no-retry', 'destination-missing', `The folder ${root} set for ${client.name} does not exist on the FTP server ${serverName(settings)} (or this account may not open it). Create it there, or change the client's subfolder, then retry the delivery.`, { cause })
      : new DeliveryError('fatal-connection', 'destination-missing', `The folder ${root} does not exist on the FTP server ${serverName(settings)} (or this account may not open it). Create it there, or change the connection's server folder, then test the connection.`, { cause });
}

/** The partial's id: the same for every attempt at one file of one delivery (a retry overwrites what a broken attempt left). */
function partialIdFor(doc: DeliveryDocument, index: number): string {
  return createHash('sha256').update(`${doc.deliveryId}\n${index}`).digest('hex').slice(0, 12);
}

/** One logged-in connection that delivers a worker's documents one at a time (ConnectorSession). */
class FtpSession implements ConnectorSession {
  private readonly ctx: ConnectorContext;
  private readonly settings: FtpSettings;
  private readonly password: string;
  private connection: FtpConnection | null = null;
  private remote: RemoteFolder | null = null;

  constructor(ctx: ConnectorContext, settings: FtpSettings, secret: string) {
    this.ctx = ctx;
    this.settings = settings;
    this.password = secret;
  }

  /** Connects when there is no usable connection (first use, or the server closed an idle one). */
  async ensureConnected(): Promise<{ connection: FtpConnection; remote: RemoteFolder }> {
    if (this.connection === null || this.remote === null || this.connection.client.closed) {
      this.connection?.client.close();
      this.connection = await connectGuarded(this.settings, this.password, this.ctx.connectionId, this.ctx.signal);
      this.remote = new RemoteFolder(this.connection, this.settings);
    }
    return { connection: this.connection, remote: this.remote };
  }

  async deliver(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryReceipt> {
    const { settings, ctx } = this;
    if (doc.files.length === 0) throw new DeliveryError('no-retry', 'nothing-to-deliver', `The document ${doc.originalName} has no file to deliver.`);
    const { connection, remote } = await this.ensureConnected();
    const base = baseFolder(settings, connection.home);
    const { root, prefix, own } = clientRoot(base, client);
    const maxPath = DEFAULT_MAX_PATH - (prefix.length === 0 ? 0 : prefix.join('/').length + 1);

    const onAbort = () => connection.client.close();
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const total = doc.files.reduce((sum, file) => sum + file.bytes.length, 0);
      let done = 0;
      const paths: string[] = [];
      let allThere = true;
      for (const [index, file] of doc.files.entries()) {
        let relative: string;
        try {
          relative = renderPathTemplate(settings.pathTemplate, templateValuesFromDelivery(doc, client, file.name || doc.originalName), { maxPath });
        } catch (error) {
          if (error instanceof PathTemplateError) throw new DeliveryError(error.code === 'invalid-template' ? 'fatal-connection' : 'no-retry', error.code === 'invalid-template' ? 'invalid-path-template' : 'name-too-long', error.message, { cause: error });
          throw error;
        }
        const segments = [...prefix, ...relative.split('/')];
        const name = segments.pop() as string;
        const put = await putFileAtomic(remote, settings, root, segments, name, file.bytes, {
          partialId: partialIdFor(doc, index),
          onProgress: (sent) => ctx.progress?.(done + sent, total),
          rootMissing: missingRoot(settings, client, own),
        });
        done += file.bytes.length;
        paths.push(remoteUrl(settings, put.path));
        allThere &&= put.alreadyThere;
      }
      ctx.progress?.(total, total);
      return { remoteRef: paths.join('\n'), alreadyThere: allThere };
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      throw error;
    } finally {
      ctx.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.connection?.client.close(); // sends QUIT and closes the sockets at once; never waits for the server
    this.connection = null;
    this.remote = null;
  }
}

async function openSession(ctx: ConnectorContext): Promise<FtpSession> {
  const settings = readSettings(ctx.settings);
  const session = new FtpSession(ctx, settings, await password(ctx));
  await session.ensureConnected();
  return session;
}

const deliver = deliverInOwnSession(openSession);

// ---------------------------------------------------------------------------------------------
// Connection test

function securityFact(settings: FtpSettings, connection: FtpConnection): string {
  const protocol = connection.tlsProtocol ? ` (${connection.tlsProtocol})` : '';
  if (settings.security === 'explicit-tls') return `explicit TLS${protocol}`;
  if (settings.security === 'implicit-tls') return `implicit TLS${protocol}`;
  return 'none: plain FTP, unencrypted (confirmed with allowPlainFtp)';
}

function certificateFacts(certificate: CertificateInfo): Record<string, string> {
  const trust = certificate.trustedBy === 'pinned' ? 'the certificate you accepted' : certificate.trustedBy === 'authority' ? 'signed by an authority this computer trusts' : 'not trusted';
  return {
    certificate: `${certificate.subject} (issued by ${certificate.issuer}; valid until ${certificate.validTo}): ${trust}`,
    certificateFingerprint: `SHA-256 ${certificate.fingerprint}`,
  };
}

async function test(ctx: ConnectorContext): Promise<TestResult> {
  let settings: FtpSettings;
  let secret: string;
  try {
    settings = readSettings(ctx.settings);
    secret = await password(ctx);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  let connection: FtpConnection;
  try {
    connection = await connect(settings, secret, ctx.connectionId, ctx.signal);
  } catch (error) {
    if (error instanceof CertificateError) return { ok: false, message: error.message, facts: certificateFacts(error.certificate), accept: { certFingerprint: error.certificate.fingerprint } };
    return { ok: false, message: (error as Error).message };
  }

  const { client } = connection;
  const remote = new RemoteFolder(connection, settings);
  const server = serverName(settings);
  const base = baseFolder(settings, connection.home);
  let stage = `opening the folder ${base}`;
  try {
    if (!(await remote.isFolder(base))) {
      return { ok: false, message: `Signed in to ${server}, but the folder ${base} does not exist there (or this account may not open it). Create it, or correct the server folder in the connection settings.` };
    }
    // Prove that delivering works: upload a small file under a partial name, rename it, remove it.
    const id = randomBytes(6).toString('hex');
    const probe = joinRemote(base, partialNameFor('ledgerdrop-test', id));
    const renamed = joinRemote(base, partialNameFor('ledgerdrop-test-renamed', id));
    stage = `writing a test file in ${base}`;
    try {
      await remote.store(probe, Buffer.from('Ledgerdrop write test\n'));
    } catch (error) {
      const code = replyCode(error);
      if (code === null || code < 500) throw error;
      return { ok: false, message: `Signed in to ${server}, but this account may not write in ${base} (the server said: ${replyText(error)}). Give the FTP account write access there, or choose another server folder.` };
    }
    stage = `renaming a test file in ${base}`;
    try {
      await remote.rename(probe, renamed);
    } catch (error) {
      await remote.remove(probe);
      const code = replyCode(error);
      if (code === null || code < 500) throw error;
      return { ok: false, message: `Signed in to ${server} and could write in ${base}, but not rename a file there (the server said: ${replyText(error)}). Ledgerdrop uploads under a temporary name and then renames, so a half-sent file never looks complete: give the FTP account the right to rename files.` };
    }
    if (!(await remote.remove(renamed))) {
      return { ok: false, message: `Ledgerdrop could write in ${base} on ${server} but not delete its test file ${renamed}. Check the account's rights there (and remove that file).` };
    }
    const example = joinRemote(base, renderPathTemplate(settings.pathTemplate, SAMPLE_TEMPLATE_VALUES));
    const message =
      settings.security === 'none'
        ? `Connected to ${server} WITHOUT encryption (plain FTP, as you confirmed), signed in, and the folder ${base} is writable.`
        : `Connected to ${server} with encryption, signed in, and the folder ${base} is writable.`;
    return {
      ok: true,
      message,
      facts: { server: remoteUrl(settings, ''), security: securityFact(settings, connection), ...(connection.certificate ? certificateFacts(connection.certificate) : {}), folder: base, example: remoteUrl(settings, example) },
    };
  } catch (error) {
    return { ok: false, message: networkFailure(error, settings, stage).message };
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Leftovers of interrupted attempts

/**
 * Removes our `.partial` files (atomic-write's naming, PARTIAL_PATTERN) under the connection's folder
 * and the clients' own folders, as deep as the path template (and subfolders) reach. False when the
 * server cannot be reached or signed in to now (the outbox asks again next time).
 */
async function cleanupInterrupted(clients: readonly DeliveryClient[], ctx: ConnectorContext): Promise<boolean> {
  let settings: FtpSettings;
  try {
    settings = readSettings(ctx.settings);
  } catch {
    return true; // not usable as configured: nothing of ours can have been uploaded with it
  }
  const secret = await ctx.secret('password').catch(() => null);
  if (!secret) return false;
  const quick = { ...settings, timeoutMs: Math.min(settings.timeoutMs, CLEANUP_TIMEOUT_MS) };
  let connection: FtpConnection;
  try {
    connection = await connectGuarded(quick, secret, ctx.connectionId, ctx.signal);
  } catch {
    return false;
  }
  const { client } = connection;
  try {
    const templateDepth = settings.pathTemplate.split(/[/\\]/).length - 1;
    const base = baseFolder(settings, connection.home);
    const roots = new Map<string, number>([[base, templateDepth]]);
    for (const client of clients) {
      try {
        const { root, prefix } = clientRoot(base, client);
        roots.set(root, Math.max(roots.get(root) ?? 0, templateDepth + prefix.length));
      } catch {
        // an invalid subfolder: its deliveries fail before uploading anything
      }
    }
    let listed = 0;
    const visit = async (dir: string, depthLeft: number): Promise<void> => {
      if (++listed > CLEANUP_MAX_FOLDERS) return;
      let entries;
      try {
        entries = await client.list(dir);
      } catch (error) {
        if (replyCode(error) !== null) return; // gone, or not ours to read
        throw error;
      }
      for (const entry of entries) {
        if (entry.name === '.' || entry.name === '..') continue;
        const path = joinRemote(dir, entry.name);
        if (entry.isFile && PARTIAL_PATTERN.test(entry.name)) await client.remove(path).catch(() => undefined);
        else if (entry.isDirectory && depthLeft > 0) await visit(path, depthLeft - 1);
      }
    };
    for (const [root, depth] of roots) await visit(root, depth);
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

export const ftpConnector: ConnectorDefinition = {
  id: FTP_ID,
  nameKey: 'connector.ftp.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [
    { key: 'host', type: 'text', required: true, scope: 'connection', helpKey: 'connector.ftp.field.host' },
    { key: 'port', type: 'number', required: false, scope: 'connection', helpKey: 'connector.ftp.field.port' },
    { key: 'username', type: 'text', required: true, scope: 'connection', helpKey: 'connector.ftp.field.username' },
    { key: 'password', type: 'password', required: true, secret: true, scope: 'connection', helpKey: 'connector.ftp.field.password' },
    { key: 'security', type: 'choice', required: false, default: 'explicit-tls', choices: SECURITY_CHOICES, scope: 'connection', helpKey: 'connector.ftp.field.security' },
    { key: 'allowPlainFtp', type: 'boolean', required: false, default: false, scope: 'connection', helpKey: 'connector.ftp.field.allowPlainFtp' },
    { key: 'certFingerprint', type: 'host-key', required: false, scope: 'connection', helpKey: 'connector.ftp.field.certFingerprint' },
    { key: 'folder', type: 'text', required: false, scope: 'connection', helpKey: 'connector.ftp.field.folder' },
    { key: 'pathTemplate', type: 'path-template', required: false, default: DEFAULT_PATH_TEMPLATE, scope: 'connection', helpKey: 'connector.ftp.field.pathTemplate' },
    { key: 'connections', type: 'number', required: false, default: 2, advanced: true, scope: 'connection', helpKey: 'connector.ftp.field.connections' },
    { key: 'timeoutSeconds', type: 'number', required: false, default: DEFAULT_TIMEOUT_SECONDS, advanced: true, scope: 'connection', helpKey: 'connector.ftp.field.timeoutSeconds' },
    { key: 'subfolder', type: 'text', required: false, scope: 'client', helpKey: 'connector.ftp.field.subfolder' },
  ],
  auth: ['password'],
  // Office and hosted FTP servers often allow only a few connections per account.
  limits: { concurrency: 2 },
  test,
  deliver,
  openSession,
  cleanupInterrupted,
};
