/**
 * SFTP: delivers documents to a folder on an SSH/SFTP server (an accounting firm's or a software
 * vendor's import server, a NAS).
 *
 * Settings (per connection): `host`, `port` (22), `username`, `hostKey` (the accepted fingerprint,
 * see host-key.ts), `uploadPath` (default `Invoice_import/`, with path-template variables, see
 * settings.ts), and the advanced `kex`, `ciphers` (SSH algorithm lists) and `connections` (how many
 * SSH connections Ledgerdrop opens to the server at most, default 4). Secrets in the keychain:
 * `password`, or `privateKey` (+ `passphrase`).
 *
 * - Nothing is sent to a server whose host key the user has not confirmed: `test()` shows the
 *   fingerprint and asks to accept it; a key that changed later stops the connection
 *   (fatal-connection 'host-key-changed') until the user accepts the new one.
 * - Each outbox worker gets one session = one SSH connection, used for one request at a time and
 *   reconnected when it dropped between documents. `connections` caps the open connections.
 * - Files are uploaded as partials and renamed into place without ever replacing a file (upload.ts).
 *   The receipt's remoteRef lists `sftp://user@host/path` per delivered file, main file first.
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { PARTIAL_PATTERN } from '../atomic-write.ts';
import { PathTemplateError, SAMPLE_TEMPLATE_VALUES, renderPathTemplate, templateValuesFromDelivery } from '../path-template.ts';
import type { ConnectorContext, ConnectorDefinition, ConnectorSession, DeliveryClient, DeliveryDocument, DeliveryReceipt, TestResult } from '../types.ts';
import { DeliveryError, deliverInOwnSession } from '../types.ts';
import { connectOnce, connectWithRetry, missingCredentials, readCredentials, type Credentials, type SftpConnection } from './connection.ts';
import { SftpConnectError, changedMessage, operationFailure } from './errors.ts';
import { parseHostKeyPins } from './host-key.ts';
import { DEFAULT_CONNECTIONS, DEFAULT_PORT, DEFAULT_UPLOAD_PATH, readSettings, remoteUrl, usesVariables, type SftpSettings } from './settings.ts';
import { ensureFolders, placeFile } from './upload.ts';

export const SFTP_ID = 'sftp';
/** Progress is reported when a file is done and every PROGRESS_STEP bytes in between. */
const PROGRESS_STEP = 1024 * 1024;
/** cleanupInterrupted looks at most at this many folder entries (an import folder can be big). */
const CLEANUP_MAX_ENTRIES = 20_000;

function settingsOf(ctx: ConnectorContext): SftpSettings {
  const read = readSettings(ctx.settings);
  if (!read.ok) throw new DeliveryError('fatal-connection', 'not-configured', read.problem);
  return read.settings;
}

// ---------------------------------------------------------------------------------------------
// The connection limit: at most `connections` SSH connections per Ledgerdrop connection at once.

interface Slots {
  active: number;
  waiting: (() => void)[];
}
const slotsByConnection = new Map<string, Slots>();

async function acquireSlot(connectionId: string, limit: number, signal?: AbortSignal): Promise<() => void> {
  let slots = slotsByConnection.get(connectionId);
  if (!slots) slotsByConnection.set(connectionId, (slots = { active: 0, waiting: [] }));
  const own = slots;
  while (own.active >= limit) {
    signal?.throwIfAborted();
    await new Promise<void>((resolve) => {
      own.waiting.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  own.active += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    own.active -= 1;
    // Wake every waiter: each checks again (one that was aborted meanwhile must not swallow the turn).
    for (const wake of own.waiting.splice(0)) wake();
    if (own.active === 0 && own.waiting.length === 0) slotsByConnection.delete(connectionId);
  };
}

// ---------------------------------------------------------------------------------------------
// Delivering

/** Stable per delivery and file, so a retry writes (and so replaces) the same partial. */
function partialIdFor(doc: DeliveryDocument, index: number, name: string): string {
  return createHash('sha256').update(`${doc.deliveryId}\0${index}\0${name}`).digest('hex').slice(0, 12);
}

function renderRelative(settings: SftpSettings, doc: DeliveryDocument, client: DeliveryClient, fileName: string): string {
  try {
    return renderPathTemplate(settings.uploadPath.template, templateValuesFromDelivery(doc, client, fileName));
  } catch (error) {
    if (error instanceof PathTemplateError) {
      if (error.code === 'invalid-template') throw new DeliveryError('fatal-connection', 'invalid-path-template', error.message, { cause: error });
      throw new DeliveryError('no-retry', 'name-too-long', error.message, { cause: error });
    }
    throw error;
  }
}

async function baseFolder(conn: SftpConnection): Promise<string> {
  if (conn.settings.uploadPath.absolute) return '/';
  return conn.home().catch((error: unknown) => {
    throw operationFailure(error, conn.settings, "find the account's start folder", '.');
  });
}

async function deliverOver(conn: SftpConnection, folders: Set<string>, doc: DeliveryDocument, client: DeliveryClient, ctx: ConnectorContext): Promise<DeliveryReceipt> {
  const { settings } = conn;
  if (doc.files.length === 0) throw new DeliveryError('no-retry', 'nothing-to-deliver', `The document ${doc.originalName} has no file to deliver.`);
  const base = await baseFolder(conn);
  const total = doc.files.reduce((sum, file) => sum + file.bytes.length, 0);
  let done = 0;
  let reported = 0;
  const refs: string[] = [];
  let allThere = true;
  for (const [index, file] of doc.files.entries()) {
    ctx.signal?.throwIfAborted();
    const relative = renderRelative(settings, doc, client, file.name || doc.originalName);
    const segments = relative.split('/');
    const name = segments.pop() as string;
    const request = {
      name,
      bytes: file.bytes,
      partialId: partialIdFor(doc, index, name),
      onProgress: (written: number) => {
        const sent = done + written;
        if (sent - reported >= PROGRESS_STEP || written === file.bytes.length) {
          reported = sent;
          ctx.progress?.(sent, total);
        }
      },
    };
    let placed;
    try {
      placed = await placeFile(conn, { ...request, dir: await ensureFolders(conn, base, segments, folders) });
    } catch (error) {
      // The folder was removed on the server since this connection created or saw it: once more.
      if (!(error instanceof DeliveryError) || error.code !== 'destination-missing' || !conn.alive) throw error;
      folders.clear();
      placed = await placeFile(conn, { ...request, dir: await ensureFolders(conn, base, segments, folders) });
    }
    done += file.bytes.length;
    if (file.bytes.length === 0) ctx.progress?.(done, total);
    refs.push(remoteUrl(settings, placed.path));
    allThere &&= placed.alreadyThere;
  }
  return { remoteRef: refs.join('\n'), alreadyThere: allThere };
}

/** One outbox worker's SSH connection (see ConnectorSession). */
class SftpSession implements ConnectorSession {
  private conn: SftpConnection | null;
  private readonly ctx: ConnectorContext;
  private readonly settings: SftpSettings;
  private readonly credentials: Credentials;
  private readonly release: () => void;
  /** Folders known to exist on the server (cleared on reconnect). */
  private readonly folders = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(ctx: ConnectorContext, settings: SftpSettings, credentials: Credentials, conn: SftpConnection, release: () => void) {
    this.ctx = ctx;
    this.settings = settings;
    this.credentials = credentials;
    this.conn = conn;
    this.release = release;
  }

  deliver(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryReceipt> {
    // One request at a time on the connection, even if a caller does not wait.
    const run = this.queue.then(() => this.deliverNow(doc, client));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliverNow(doc: DeliveryDocument, client: DeliveryClient): Promise<DeliveryReceipt> {
    if (this.closed) throw new DeliveryError('retry', 'session-closed', 'This SFTP session was closed; Ledgerdrop will try again by itself.');
    if (!this.conn?.alive) {
      // Dropped while idle (a server's idle timeout): connect again rather than fail the document.
      this.conn = null;
      this.folders.clear();
      this.conn = await connectWithRetry({ settings: this.settings, credentials: this.credentials, signal: this.ctx.signal });
    }
    const conn = this.conn;
    const onAbort = () => conn.destroy();
    this.ctx.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await deliverOver(conn, this.folders, doc, client, this.ctx);
    } finally {
      this.ctx.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.queue;
      await this.conn?.end();
    } finally {
      this.conn = null;
      this.release();
    }
  }
}

/**
 * The outbox starts its workers together, so several sessions of one connection open at once. While
 * none of them is connected, the first attempt goes alone and the others wait for it: when it fails
 * they fail the same way without trying — one refused password is one failed sign-in on the server
 * (not one per worker, which can lock the account), one unknown host key one handshake.
 */
const firstConnects = new Map<string, Promise<unknown>>();
const connectedSessions = new Map<string, number>();

async function connectSession(ctx: ConnectorContext, settings: SftpSettings, credentials: Credentials): Promise<SftpConnection> {
  const id = ctx.connectionId;
  // Counted as soon as it is connected, before the waiting attempts look again.
  const counted = (conn: SftpConnection) => {
    connectedSessions.set(id, (connectedSessions.get(id) ?? 0) + 1);
    return conn;
  };
  for (;;) {
    const leading = firstConnects.get(id);
    if (leading) {
      await leading; // rethrows the first attempt's failure
      continue;
    }
    if ((connectedSessions.get(id) ?? 0) > 0) return connectWithRetry({ settings, credentials, signal: ctx.signal }).then(counted);
    const attempt = connectWithRetry({ settings, credentials, signal: ctx.signal }).then(counted);
    const settled = attempt.finally(() => firstConnects.delete(id));
    firstConnects.set(id, settled);
    return settled;
  }
}

async function openSession(ctx: ConnectorContext): Promise<ConnectorSession> {
  const settings = settingsOf(ctx);
  const credentials = await readCredentials(ctx);
  if (credentials === null) throw missingCredentials(ctx.connectionId);
  const release = await acquireSlot(ctx.connectionId, settings.connections, ctx.signal);
  let conn: SftpConnection;
  try {
    conn = await connectSession(ctx, settings, credentials);
  } catch (error) {
    release();
    throw error;
  }
  const id = ctx.connectionId;
  return new SftpSession(ctx, settings, credentials, conn, () => {
    const left = (connectedSessions.get(id) ?? 1) - 1;
    if (left > 0) connectedSessions.set(id, left);
    else connectedSessions.delete(id);
    release();
  });
}

const deliver = deliverInOwnSession(openSession);

// ---------------------------------------------------------------------------------------------
// Testing

function serverName(settings: SftpSettings): string {
  return settings.port === DEFAULT_PORT ? settings.host : `${settings.host}:${settings.port}`;
}

/** The upload path's leading folders that use no variable: the same for every document. */
function fixedFolders(settings: SftpSettings): string[] {
  const fixed: string[] = [];
  for (const folder of settings.uploadPath.folders) {
    if (usesVariables(folder)) break;
    fixed.push(folder);
  }
  return fixed;
}

async function test(ctx: ConnectorContext): Promise<TestResult> {
  const read = readSettings(ctx.settings);
  if (!read.ok) return { ok: false, message: read.problem };
  const settings = read.settings;
  let credentials: Credentials | null;
  try {
    credentials = await readCredentials(ctx);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const server = serverName(settings);
  const facts: Record<string, string> = { server };

  let conn: SftpConnection;
  try {
    conn = await connectOnce({ settings, credentials, signal: ctx.signal });
  } catch (error) {
    const failure = error instanceof SftpConnectError ? error : null;
    const seen = failure?.seenHostKey ?? null;
    if (seen) Object.assign(facts, { hostKey: seen.fingerprint, keyType: seen.type });
    switch (failure?.code) {
      case 'host-key-not-confirmed':
        return {
          ok: false,
          message: `First connection to ${server}: its host key fingerprint is ${seen!.fingerprint} (${seen!.type}). Check with your IT provider (or whoever runs the server) that this is their server's fingerprint, then accept it. Nothing is sent to the server before that.`,
          facts,
          accept: { hostKey: seen!.fingerprint },
        };
      case 'host-key-changed':
        return { ok: false, message: changedMessage(settings, seen!), facts: { ...facts, acceptedHostKey: settings.hostKeyWritten }, accept: { hostKey: seen!.fingerprint } };
      case 'not-signed-in':
        return { ok: false, message: `${server} answers and its host key is the accepted one, but no password or private key is stored for this connection. Store the password (or private key) your provider gave you, then test again.`, facts };
      default:
        return { ok: false, message: error instanceof Error ? error.message : String(error), facts };
    }
  }

  Object.assign(facts, { hostKey: conn.hostKey.fingerprint, keyType: conn.hostKey.type });
  try {
    const base = await baseFolder(conn);
    const fixed = posix.join(base, ...fixedFolders(settings));
    facts.folder = fixed;
    facts.example = remoteUrl(settings, posix.join(base, renderPathTemplate(settings.uploadPath.template, SAMPLE_TEMPLATE_VALUES)));
    // Write a probe file in the fixed upload folder, or in its nearest existing parent when the
    // folder is still to be created (then that parent must let us create folders).
    let probeDir = fixed;
    for (;;) {
      const info = await conn.lstat(probeDir);
      if (info?.isDirectory()) break;
      if (info) return { ok: false, message: `${probeDir} on ${server} is a file, not a folder. Change the upload path, or move that file on the server.`, facts };
      if (probeDir === base || probeDir === '/') break;
      probeDir = posix.dirname(probeDir);
    }
    const probe = posix.join(probeDir, `.ledgerdrop-test-${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await conn.createExclusive(probe);
      try {
        await conn.writeAll(handle, Buffer.from('Ledgerdrop write test\n'));
      } finally {
        await conn.closeHandle(handle);
      }
      await conn.unlink(probe);
    } catch (error) {
      throw operationFailure(error, settings, `write in ${probeDir}`, probeDir);
    }
    const later = probeDir === fixed ? '' : ` The folder ${fixed} does not exist yet; Ledgerdrop creates it at the first delivery.`;
    return { ok: true, message: `Connected to ${server} as ${settings.username}; Ledgerdrop can write in ${probeDir}.${later}`, facts };
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : operationFailure(error, settings, 'check the upload folder', facts.folder ?? '.');
    return { ok: false, message: failure.message.replace(/ then retry the delivery\./, ' then test again.'), facts };
  } finally {
    await conn.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Clean-up after an interrupted attempt

/**
 * The folders a client's documents can land in, as a fixed path and how many folder levels of
 * per-document names ([year], [supplier] …) lie below it.
 */
function clientRoots(settings: SftpSettings, base: string, client: DeliveryClient): { path: string; depth: number } {
  const folders = settings.uploadPath.folders;
  const clientLevel = /^(?:[^[\]]|\[\s*(?:client|accounting_file_id)\s*\])*$/i;
  let fixedCount = 0;
  while (fixedCount < folders.length && clientLevel.test(folders[fixedCount]!)) fixedCount += 1;
  if (fixedCount === 0) return { path: base, depth: folders.length };
  const values = { ...SAMPLE_TEMPLATE_VALUES, client: client.name, accountingFileId: client.accountingFileId ?? client.id };
  const rendered = renderPathTemplate([...folders.slice(0, fixedCount), '[original_name]'].join('/'), values).split('/').slice(0, -1);
  return { path: posix.join(base, ...rendered), depth: folders.length - fixedCount };
}

/** Removes our `.partial` files (PARTIAL_PATTERN, whatever their age) where this connection writes. */
async function cleanupInterrupted(clients: readonly DeliveryClient[], ctx: ConnectorContext): Promise<boolean> {
  const read = readSettings(ctx.settings);
  if (!read.ok) return true; // not configured: nothing of ours can be there
  const settings = read.settings;
  let credentials: Credentials | null;
  try {
    credentials = await readCredentials(ctx);
  } catch {
    return false;
  }
  if (credentials === null || (settings.hostKeys.sha256.length === 0 && settings.hostKeys.md5.length === 0)) return true; // never delivered
  let conn: SftpConnection;
  try {
    conn = await connectOnce({ settings, credentials, signal: ctx.signal });
  } catch {
    return false; // unreachable now: the outbox asks again next time
  }
  try {
    const base = await baseFolder(conn);
    const roots = new Map<string, number>();
    const add = (root: { path: string; depth: number }) => roots.set(root.path, Math.max(roots.get(root.path) ?? 0, root.depth));
    for (const client of clients) add(clientRoots(settings, base, client));
    if (clients.length === 0) add({ path: posix.join(base, ...fixedFolders(settings)), depth: settings.uploadPath.folders.length - fixedFolders(settings).length });
    let budget = CLEANUP_MAX_ENTRIES;
    const visit = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await conn.readdir(dir);
      } catch {
        return; // not there (nothing delivered yet), or not readable
      }
      for (const entry of entries) {
        if (--budget < 0) return;
        const full = posix.join(dir, entry.filename);
        if (entry.attrs.isDirectory()) {
          if (depth > 0 && entry.filename !== '.' && entry.filename !== '..') await visit(full, depth - 1);
        } else if (entry.attrs.isFile() && PARTIAL_PATTERN.test(entry.filename)) {
          await conn.unlink(full).catch(() => undefined);
        }
      }
    };
    for (const [path, depth] of roots) await visit(path, depth);
    return conn.alive;
  } catch {
    return false;
  } finally {
    await conn.end();
  }
}

/** For `config apply`: the settings readSettings would refuse at the first delivery, refused up front. */
function checkSettings(settings: Readonly<Record<string, unknown>>): { key: string; problem: string }[] {
  const pins = parseHostKeyPins(settings.hostKey);
  if (!pins.ok) return [{ key: 'hostKey', problem: pins.problem }];
  const result = readSettings(settings);
  return result.ok ? [] : [{ key: '', problem: result.problem }];
}

export const sftpConnector: ConnectorDefinition = {
  id: SFTP_ID,
  nameKey: 'connector.sftp.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [
    { key: 'host', type: 'text', required: true, scope: 'connection', helpKey: 'connector.sftp.field.host' },
    { key: 'port', type: 'number', required: false, default: DEFAULT_PORT, scope: 'connection', helpKey: 'connector.sftp.field.port' },
    { key: 'username', type: 'text', required: true, scope: 'connection', helpKey: 'connector.sftp.field.username' },
    { key: 'password', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.sftp.field.password' },
    { key: 'privateKey', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.sftp.field.privateKey' },
    { key: 'passphrase', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.sftp.field.passphrase' },
    { key: 'hostKey', type: 'host-key', required: false, scope: 'connection', helpKey: 'connector.sftp.field.hostKey' },
    // 'text', not 'path-template': it names a folder (`Invoice_import/`) and may start with `/`, which
    // a path template may not; settings.ts checks it with the same template rules.
    { key: 'uploadPath', type: 'text', required: false, default: DEFAULT_UPLOAD_PATH, scope: 'connection', helpKey: 'connector.sftp.field.uploadPath' },
    { key: 'kex', type: 'text', required: false, advanced: true, scope: 'connection', helpKey: 'connector.sftp.field.kex' },
    { key: 'ciphers', type: 'text', required: false, advanced: true, scope: 'connection', helpKey: 'connector.sftp.field.ciphers' },
    { key: 'connections', type: 'number', required: false, default: DEFAULT_CONNECTIONS, advanced: true, scope: 'connection', helpKey: 'connector.sftp.field.connections' },
  ],
  auth: ['password', 'private-key'],
  limits: { concurrency: DEFAULT_CONNECTIONS },
  checkSettings,
  test,
  deliver,
  openSession,
  cleanupInterrupted,
};
