/**
 * Dropbox: delivers documents into the accountant's (or the client's) Dropbox.
 *
 * Sign-in: OAuth 2 with PKCE in the system browser (../oauth), offline access; the refresh token
 * stays in the keychain. Each distributor registers its own Dropbox app (scoped access, permissions
 * files.metadata.read + files.content.write, redirect URI http://127.0.0.1:53687/ — see
 * oauth/index.ts) and its app key is the `appKey` setting. A headless server can instead get a
 * refresh token through `config apply` (secret `refreshToken` from an environment variable).
 *
 * Settings (per connection): `appKey`; `folder`, the Dropbox folder documents go into (default
 * /Ledgerdrop; `/` is the top of the Dropbox, or of the app folder for an app-folder app);
 * `pathTemplate` (default `[accounting_file_id]/[family]/[original_name]`); `redirectPort`. Per
 * client: `subfolder`, a folder below `folder`, or a full Dropbox path (starting with /) of its own.
 *
 * Delivery, per file of the document (main file, then e.g. its PDF):
 * - up to 150 MiB: one files/upload with mode add, autorename false and content_hash: Dropbox
 *   verifies the bytes; the same bytes already at the path count as delivered (Dropbox writes
 *   nothing); a different file there is a conflict the user resolves (never overwritten, never
 *   renamed to "name (1)");
 * - larger: get_metadata first (a retry of a file that already landed, or a conflict, costs no
 *   upload), then an upload session — start, append_v2, finish — in chunks that are multiples of
 *   4 MiB, each with its content_hash, resuming from Dropbox's correct_offset when a chunk's answer
 *   was lost, with progress events after each chunk.
 * Writes are serialised per connection (concurrency 1): Dropbox answers concurrent writes in one
 * account with too_many_write_operations.
 */
import { DEFAULT_MAX_PATH, DEFAULT_PATH_TEMPLATE, PathTemplateError, SAMPLE_TEMPLATE_VALUES, renderPathTemplate, sanitizeSegment, templateValuesFromDelivery, validateTemplate } from '../path-template.ts';
import { DROPBOX_REDIRECT_PORT, getAccessToken, oauthProvider, signInWithBrowser, type OAuthProvider } from '../oauth/index.ts';
import type { ConnectorContext, ConnectorDefinition, DeliveryClient, DeliveryDocument, DeliveryReceipt, SignInUi, TestResult } from '../types.ts';
import { DeliveryError } from '../types.ts';
import { DropboxApi, DropboxApiError, numberField } from './api.ts';
import { DROPBOX_BLOCK_BYTES, dropboxContentHash } from './wire.ts';

export const DROPBOX_ID = 'dropbox';
export const DEFAULT_DROPBOX_FOLDER = '/Ledgerdrop';
/** files/upload takes at most 150 MiB; larger files go through an upload session. */
export const SIMPLE_UPLOAD_MAX_BYTES = 150 * 1024 * 1024;
/** Upload-session chunk: a multiple of 4 MiB, as Dropbox asks. */
export const SESSION_CHUNK_BYTES = 8 * DROPBOX_BLOCK_BYTES;
/**
 * Dropbox mirrors files to Windows PCs under a folder such as C:\Users\<name>\Dropbox: keep that
 * much of Windows' path limit free.
 */
const SYNC_ROOT_ALLOWANCE = 40;
const MIN_RELATIVE_BUDGET = 40;

interface FileMetadata {
  '.tag'?: string;
  name: string;
  path_display?: string;
  path_lower?: string;
  size?: number;
  content_hash?: string;
  server_modified?: string;
  rev?: string;
}

// ---------------------------------------------------------------------------------------------
// Settings

function settingString(settings: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = settings[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A Dropbox folder path as typed ("/Ledgerdrop", "Ledgerdrop/", "\\A\\B") → "/Ledgerdrop", or '' for the top. */
export function normalizeDropboxFolder(raw: string): string | { problem: string } {
  const parts = raw.replace(/\\/g, '/').split('/').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.some((part) => /^\.+$/.test(part))) return { problem: `The Dropbox folder "${raw}" may not contain "." or ".." folders.` };
  // eslint-disable-next-line no-control-regex
  if (parts.some((part) => /[\u0000-\u001f]/.test(part))) return { problem: `The Dropbox folder "${raw}" contains control characters (such as a line break).` };
  return parts.length === 0 ? '' : `/${parts.map((part) => part.normalize('NFC')).join('/')}`;
}

function baseFolder(ctx: ConnectorContext): string {
  const folder = normalizeDropboxFolder(settingString(ctx.settings, 'folder') ?? DEFAULT_DROPBOX_FOLDER);
  if (typeof folder !== 'string') throw new DeliveryError('fatal-connection', 'not-configured', `${folder.problem} Correct it in the connection settings.`);
  return folder;
}

function template(ctx: ConnectorContext): string {
  const value = settingString(ctx.settings, 'pathTemplate') ?? DEFAULT_PATH_TEMPLATE;
  const problem = validateTemplate(value);
  if (problem !== null) throw new DeliveryError('fatal-connection', 'invalid-path-template', `The connection's path template cannot be used: ${problem}`);
  return value;
}

/** The Dropbox folder of one client's documents: the connection's folder, a subfolder of it, or the client's own full path. */
function clientFolder(base: string, client: DeliveryClient): string {
  const raw = client.fields.subfolder;
  const subfolder = typeof raw === 'string' ? raw.trim() : '';
  if (subfolder === '') return base;
  const isFull = /^[/\\]/.test(subfolder);
  const normalized = normalizeDropboxFolder(subfolder);
  if (typeof normalized !== 'string') throw new DeliveryError('no-retry', 'invalid-subfolder', `${normalized.problem} Change the subfolder set for ${client.name} in the client's settings.`);
  if (isFull) return normalized;
  const safe = normalized
    .split('/')
    .filter((part) => part !== '')
    .map((part) => sanitizeSegment(part, undefined, false))
    .join('/');
  return safe === '' ? base : `${base}/${safe}`;
}

function provider(ctx: ConnectorContext): OAuthProvider {
  const result = oauthProvider('dropbox', ctx.settings);
  if (!result.clientId) {
    throw new DeliveryError('fatal-connection', 'not-configured', "No Dropbox app key is set for this connection. Enter your organisation's app key (Dropbox App Console → your app → Settings → App key) in the connection settings, then sign in.");
  }
  return result;
}

/** Where a file goes: folder + rendered template, within Windows' path limit on synced PCs. */
function remotePath(folder: string, pathTemplate: string, doc: DeliveryDocument, client: DeliveryClient, fileName: string): string {
  const budget = DEFAULT_MAX_PATH - SYNC_ROOT_ALLOWANCE - folder.length - 1;
  if (budget < MIN_RELATIVE_BUDGET) {
    throw new DeliveryError('no-retry', 'name-too-long', `The Dropbox folder ${folder} is too deep: there is no room left for file names under Windows' ${DEFAULT_MAX_PATH}-character limit on the PCs Dropbox syncs to. Choose a folder closer to the top of the Dropbox.`);
  }
  try {
    return `${folder}/${renderPathTemplate(pathTemplate, templateValuesFromDelivery(doc, client, fileName), { maxPath: budget })}`;
  } catch (error) {
    if (error instanceof PathTemplateError) {
      const fatal = error.code === 'invalid-template';
      throw new DeliveryError(fatal ? 'fatal-connection' : 'no-retry', fatal ? 'invalid-path-template' : 'name-too-long', error.message, { cause: error });
    }
    throw error;
  }
}

/** Dropbox's client_modified format (whole seconds, Z), from the time the document arrived. */
function clientModified(receivedAt: string): string | null {
  const time = Date.parse(receivedAt);
  return Number.isNaN(time) ? null : new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------------------------
// Errors in words

function describeExisting(meta: FileMetadata | null): string {
  if (!meta || meta['.tag'] !== 'file') return '';
  const size = typeof meta.size === 'number' ? (meta.size < 10_240 ? `${meta.size} bytes` : `${Math.round(meta.size / 1024)} KB`) : null;
  const when = meta.server_modified ? `saved ${meta.server_modified.replace('T', ' ').replace('Z', ' UTC')}` : null;
  const details = [size, when].filter(Boolean).join(', ');
  return details ? ` (${details})` : '';
}

function conflict(path: string, what: string): DeliveryError {
  return new DeliveryError(
    'no-retry',
    'remote-conflict',
    `Dropbox already has ${what} at ${path}. Ledgerdrop never overwrites or renames files in Dropbox. Look at what is there: if it is an old or wrong copy, move or rename it in Dropbox, then retry this delivery.`,
  );
}

/** A 409/400 from files/upload or upload_session/finish, in words and in the outbox's three classes. */
function writeFailure(error: DropboxApiError, path: string, existing: FileMetadata | null): DeliveryError {
  const t = error.tags;
  if (error.status === 400) {
    return new DeliveryError('no-retry', 'dropbox-bad-request', `Dropbox refused the upload of ${path} as malformed: ${error.message}. This is a Ledgerdrop problem; copy the diagnostics and report it.`, { cause: error });
  }
  if (t.includes('conflict')) {
    if (t.includes('folder')) return conflict(path, 'a folder with this name');
    if (t.includes('file_ancestor')) return conflict(path, 'a file with the name of one of the folders in the path');
    return conflict(path, `a different file with this name${describeExisting(existing)}`);
  }
  if (t.includes('insufficient_space') || t.includes('team_folder_insufficient_space') || t.includes('member_folder_insufficient_space')) {
    return new DeliveryError('fatal-connection', 'dropbox-full', 'The Dropbox account is full. Free up space in Dropbox (or upgrade the plan), then resume the connection.', { cause: error });
  }
  if (t.includes('upload_traffic_limit_reached')) {
    return new DeliveryError('fatal-connection', 'dropbox-traffic-limit', "The Dropbox team has reached its upload limit for now. Ask the team admin, or wait until the limit resets, then resume the connection.", { cause: error });
  }
  if (t.includes('no_write_permission') || t.includes('team_folder') || t.includes('access_restricted')) {
    return new DeliveryError('fatal-connection', 'dropbox-no-permission', `The signed-in Dropbox account may not write in ${path.slice(0, path.lastIndexOf('/')) || '/'}. Give it write access to that folder (or choose another folder), then resume the connection.`, { cause: error });
  }
  if (t.includes('malformed_path') || t.includes('disallowed_name')) {
    return new DeliveryError('no-retry', 'invalid-remote-path', `Dropbox does not accept the name ${path}. Change the path template or the file's name, then retry this delivery.`, { cause: error });
  }
  if (t.includes('content_hash_mismatch')) {
    return new DeliveryError('retry', 'transfer-corrupted', `The upload of ${path} arrived damaged (Dropbox's check of the content failed), so Dropbox did not keep it. Ledgerdrop sends it again.`, { cause: error });
  }
  if (t.includes('lookup_failed') || t.includes('not_found') || t.includes('closed')) {
    return new DeliveryError('retry', 'upload-session-lost', `Dropbox lost track of the upload of ${path} part-way. Ledgerdrop starts it again.`, { cause: error });
  }
  if (t.includes('payload_too_large')) {
    return new DeliveryError('no-retry', 'too-large', `Dropbox refused ${path} as too large for one request. This is a Ledgerdrop problem; copy the diagnostics and report it.`, { cause: error });
  }
  return new DeliveryError('retry', 'dropbox-error', `Dropbox could not save ${path} (${t.join('/') || `HTTP ${error.status}`}). Ledgerdrop tries again later.`, { cause: error });
}

// ---------------------------------------------------------------------------------------------
// Uploads

interface Uploaded {
  path: string;
  alreadyThere: boolean;
}

async function metadataOf(api: DropboxApi, path: string): Promise<FileMetadata | null> {
  try {
    return await api.rpc<FileMetadata>('files/get_metadata', { path });
  } catch (error) {
    if (error instanceof DropboxApiError && error.status === 409 && error.tags.includes('not_found')) return null;
    if (error instanceof DropboxApiError) throw new DeliveryError('retry', 'dropbox-error', `Dropbox could not look up ${path} (${error.tags.join('/') || `HTTP ${error.status}`}). Ledgerdrop tries again later.`, { cause: error });
    throw error;
  }
}

function checkLanded(meta: FileMetadata, path: string, hash: string): Uploaded {
  if (meta.content_hash !== undefined && meta.content_hash !== hash) {
    throw new DeliveryError('no-retry', 'remote-mismatch', `Dropbox reports different contents for ${path} than Ledgerdrop sent. Check the file in Dropbox, then retry this delivery.`);
  }
  return { path: meta.path_display ?? path, alreadyThere: false };
}

/** After a conflict: the same bytes (another attempt won the race) count as delivered, anything else is the user's to resolve. */
async function resolveConflict(api: DropboxApi, error: DropboxApiError, path: string, hash: string): Promise<Uploaded> {
  if (!error.tags.includes('conflict') || !error.tags.includes('file')) throw writeFailure(error, path, null);
  const existing = await metadataOf(api, path);
  if (existing?.['.tag'] === 'file' && existing.content_hash === hash) return { path: existing.path_display ?? path, alreadyThere: true };
  throw writeFailure(error, path, existing);
}

function commitInfo(path: string, modified: string | null): Record<string, unknown> {
  return { path, mode: 'add', autorename: false, mute: true, strict_conflict: false, ...(modified ? { client_modified: modified } : {}) };
}

async function uploadSmall(api: DropboxApi, path: string, bytes: Uint8Array, modified: string | null): Promise<Uploaded> {
  const hash = dropboxContentHash(bytes);
  try {
    const meta = await api.upload<FileMetadata>('files/upload', { ...commitInfo(path, modified), content_hash: hash }, bytes);
    return checkLanded(meta, path, hash);
  } catch (error) {
    if (error instanceof DropboxApiError) return resolveConflict(api, error, path, hash);
    throw error;
  }
}

/** End of the chunk that starts at `offset`: a 4 MiB boundary (or the end of the file). */
function chunkEnd(offset: number, total: number): number {
  const end = Math.floor((offset + SESSION_CHUNK_BYTES) / DROPBOX_BLOCK_BYTES) * DROPBOX_BLOCK_BYTES;
  return Math.min(total, end > offset ? end : offset + SESSION_CHUNK_BYTES);
}

async function uploadLarge(api: DropboxApi, path: string, bytes: Uint8Array, modified: string | null, progress: (sent: number) => void): Promise<Uploaded> {
  const hash = dropboxContentHash(bytes);
  // Look before sending hundreds of megabytes: a retry of a file that landed, or a conflict.
  const existing = await metadataOf(api, path);
  if (existing?.['.tag'] === 'file' && existing.content_hash === hash) {
    progress(bytes.length);
    return { path: existing.path_display ?? path, alreadyThere: true };
  }
  if (existing?.['.tag'] === 'file') throw conflict(path, `a different file with this name${describeExisting(existing)}`);
  if (existing?.['.tag'] === 'folder') throw conflict(path, 'a folder with this name');

  const total = bytes.length;
  const { session_id: sessionId } = await api.upload<{ session_id: string }>('files/upload_session/start', { close: false, content_hash: dropboxContentHash(bytes.subarray(0, chunkEnd(0, total))) }, bytes.subarray(0, chunkEnd(0, total)));
  let offset = chunkEnd(0, total);
  progress(offset);

  const moveTo = (error: DropboxApiError): void => {
    const correct = numberField(error.body, 'correct_offset');
    if (!error.tags.includes('incorrect_offset') || correct === null || correct < 0 || correct > total) throw writeFailure(error, path, null);
    offset = correct; // Dropbox has exactly this much: continue from there (a lost answer, or a lost chunk)
    progress(offset);
  };

  for (let steps = 0; ; steps++) {
    if (steps > Math.ceil(total / DROPBOX_BLOCK_BYTES) * 3 + 10) {
      throw new DeliveryError('retry', 'upload-session-lost', `The upload of ${path} does not make progress (Dropbox keeps asking for other parts). Ledgerdrop starts it again later.`);
    }
    if (offset < total) {
      const end = chunkEnd(offset, total);
      const chunk = bytes.subarray(offset, end);
      try {
        await api.upload<null>('files/upload_session/append_v2', { cursor: { session_id: sessionId, offset }, close: false, content_hash: dropboxContentHash(chunk) }, chunk);
        offset = end;
        progress(offset);
      } catch (error) {
        if (!(error instanceof DropboxApiError)) throw error;
        moveTo(error);
      }
      continue;
    }
    try {
      const meta = await api.upload<FileMetadata>('files/upload_session/finish', { cursor: { session_id: sessionId, offset: total }, commit: commitInfo(path, modified) }, new Uint8Array(0));
      return checkLanded(meta, path, hash);
    } catch (error) {
      if (!(error instanceof DropboxApiError)) throw error;
      if (error.tags.includes('incorrect_offset')) {
        moveTo(error);
        continue;
      }
      return resolveConflict(api, error, path, hash);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The connector

async function deliver(doc: DeliveryDocument, client: DeliveryClient, ctx: ConnectorContext): Promise<DeliveryReceipt> {
  const api = new DropboxApi(ctx, provider(ctx));
  const folder = clientFolder(baseFolder(ctx), client);
  const pathTemplate = template(ctx);
  if (doc.files.length === 0) throw new DeliveryError('no-retry', 'nothing-to-deliver', `The document ${doc.originalName} has no file to deliver.`);
  const modified = clientModified(doc.receivedAt);

  const total = doc.files.reduce((sum, file) => sum + file.bytes.length, 0);
  let done = 0;
  const paths: string[] = [];
  let allThere = true;
  for (const file of doc.files) {
    const path = remotePath(folder, pathTemplate, doc, client, file.name || doc.originalName);
    let result: Uploaded;
    try {
      result =
        file.bytes.length > SIMPLE_UPLOAD_MAX_BYTES
          ? await uploadLarge(api, path, file.bytes, modified, (sent) => ctx.progress?.(done + sent, total))
          : await uploadSmall(api, path, file.bytes, modified);
    } catch (error) {
      throw error instanceof DropboxApiError ? writeFailure(error, path, null) : error;
    }
    done += file.bytes.length;
    ctx.progress?.(done, total);
    paths.push(result.path);
    allThere &&= result.alreadyThere;
  }
  return { remoteRef: paths.join('\n'), alreadyThere: allThere };
}

async function test(ctx: ConnectorContext): Promise<TestResult> {
  let folder: string;
  let example: string;
  let oauth: OAuthProvider;
  try {
    oauth = provider(ctx);
    folder = baseFolder(ctx);
    const pathTemplate = template(ctx);
    example = `${folder}/${renderPathTemplate(pathTemplate, SAMPLE_TEMPLATE_VALUES, { maxPath: DEFAULT_MAX_PATH - SYNC_ROOT_ALLOWANCE - folder.length - 1 })}`;
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const api = new DropboxApi(ctx, oauth);
  try {
    await getAccessToken(ctx, oauth);
    // The top of a Dropbox has no metadata: look at the example file instead (usually not there).
    const meta = await metadataOf(api, folder === '' ? example : folder);
    const facts = { folder: folder || '/', example };
    if (folder === '') return { ok: true, message: 'Signed in to Dropbox; documents go to the top of the Dropbox (or of the app folder).', facts };
    if (meta === null) return { ok: true, message: `Signed in to Dropbox. The folder ${folder} does not exist yet; Dropbox creates it with the first delivery.`, facts };
    if (meta['.tag'] !== 'folder') return { ok: false, message: `${folder} in Dropbox is a file, not a folder. Choose another folder in the connection settings.`, facts };
    return { ok: true, message: `Signed in to Dropbox; documents go to ${meta.path_display ?? folder}.`, facts };
  } catch (error) {
    if (error instanceof DeliveryError) return { ok: false, message: error.message };
    throw error;
  }
}

function signIn(ctx: ConnectorContext, ui: SignInUi): Promise<TestResult> {
  return signInWithBrowser(ctx, ui, oauthProvider('dropbox', ctx.settings));
}

export const dropboxConnector: ConnectorDefinition = {
  id: DROPBOX_ID,
  nameKey: 'connector.dropbox.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [
    { key: 'appKey', type: 'text', required: true, scope: 'connection', helpKey: 'connector.dropbox.field.appKey' },
    { key: 'folder', type: 'text', required: false, default: DEFAULT_DROPBOX_FOLDER, scope: 'connection', helpKey: 'connector.dropbox.field.folder' },
    { key: 'pathTemplate', type: 'path-template', required: false, default: DEFAULT_PATH_TEMPLATE, scope: 'connection', helpKey: 'connector.dropbox.field.pathTemplate' },
    { key: 'redirectPort', type: 'number', required: false, default: DROPBOX_REDIRECT_PORT, scope: 'connection', helpKey: 'connector.dropbox.field.redirectPort' },
    { key: 'refreshToken', type: 'password', required: false, secret: true, scope: 'connection', helpKey: 'connector.dropbox.field.refreshToken' },
    { key: 'subfolder', type: 'text', required: false, scope: 'client', helpKey: 'connector.dropbox.field.subfolder' },
  ],
  auth: ['oauth'],
  limits: { concurrency: 1 },
  test,
  deliver,
  signIn,
};
