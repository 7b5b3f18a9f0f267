/**
 * Local folder: delivers documents into a folder on this computer or a mounted network share
 * (often the folder an accounting package imports from, or a synced Dropbox/OneDrive folder).
 *
 * Settings (per connection): `path`, the destination folder (must exist; never created, so a
 * disconnected share is noticed instead of filling the empty mount point), and `pathTemplate`
 * (default `[accounting_file_id]/[family]/[original_name]`). Per client: `subfolder`, either a
 * relative folder under `path` (created when missing) or a full path that replaces `path` for that
 * client (must exist, like `path`). The template is rendered below it.
 *
 * Every file of a document (the main file, then e.g. its PDF) is rendered through the template with
 * its own name and written with writeFileAtomic. The receipt's remoteRef lists the final absolute
 * paths, one per line, main file first.
 */
import { randomBytes } from 'node:crypto';
import { open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { systemErrorCode } from '../../engine/errors.ts';
import { cleanupStalePartials, writeFileAtomic } from '../atomic-write.ts';
import {
  DEFAULT_MAX_PATH,
  DEFAULT_PATH_TEMPLATE,
  PathTemplateError,
  SAMPLE_TEMPLATE_VALUES,
  renderPathTemplate,
  sanitizeSegment,
  templateValuesFromDelivery,
  validateTemplate,
} from '../path-template.ts';
import type { ConnectorContext, ConnectorDefinition, DeliveryClient, DeliveryDocument, DeliveryReceipt, TestResult } from '../types.ts';
import { DeliveryError } from '../types.ts';

export const LOCAL_FOLDER_ID = 'local-folder';
/** Below this many characters left for the rendered path (Windows), the base folder itself is too deep. */
const MIN_RELATIVE_BUDGET = 40;

function settingString(settings: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = settings[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function baseFolder(ctx: ConnectorContext): string {
  const folder = settingString(ctx.settings, 'path');
  if (folder === null) throw new DeliveryError('fatal-connection', 'not-configured', 'No destination folder is set for this connection. Choose the folder in the connection settings.');
  if (!path.isAbsolute(folder)) {
    throw new DeliveryError('fatal-connection', 'not-configured', `The destination folder "${folder}" is not a full path (such as C:\\Accounting\\Import or /Users/me/Import). Choose the folder again in the connection settings.`);
  }
  return path.normalize(folder);
}

function template(ctx: ConnectorContext): string {
  const value = settingString(ctx.settings, 'pathTemplate') ?? DEFAULT_PATH_TEMPLATE;
  const problem = validateTemplate(value);
  if (problem !== null) throw new DeliveryError('fatal-connection', 'invalid-path-template', `The connection's path template cannot be used: ${problem}`);
  return value;
}

/**
 * Where this client's documents go: `{ root, prefix }` where root is an existing folder (never
 * created) and prefix the relative folders to create below it.
 */
function clientRoot(base: string, client: DeliveryClient): { root: string; prefix: string } {
  const raw = client.fields.subfolder;
  const subfolder = typeof raw === 'string' ? raw.trim() : '';
  if (subfolder === '') return { root: base, prefix: '' };
  if (path.isAbsolute(subfolder)) return { root: path.normalize(subfolder), prefix: '' };
  const parts = subfolder.split(/[/\\]+/).filter((part) => part.trim() !== '');
  if (parts.some((part) => /^\s*\.{1,2}\s*$/.test(part))) {
    throw new DeliveryError('no-retry', 'invalid-subfolder', `The subfolder "${subfolder}" set for ${client.name} may not contain "." or ".." folders. Change it in the client's settings.`);
  }
  return { root: base, prefix: parts.map((part) => sanitizeSegment(part, undefined, false)).join('/') };
}

/** Characters left for the relative path: on Windows the whole path must stay under MAX_PATH. */
function relativeBudget(root: string, prefix: string): number {
  const used = prefix === '' ? 0 : prefix.length + 1;
  const budget = (process.platform === 'win32' ? DEFAULT_MAX_PATH - root.length - 1 : DEFAULT_MAX_PATH) - used;
  if (budget < MIN_RELATIVE_BUDGET) {
    throw new DeliveryError('no-retry', 'name-too-long', `The destination folder ${path.join(root, prefix)} is too deep: there is no room left for file names under the ${DEFAULT_MAX_PATH}-character limit. Choose a folder closer to the top of the drive.`);
  }
  return budget;
}

async function deliver(doc: DeliveryDocument, client: DeliveryClient, ctx: ConnectorContext): Promise<DeliveryReceipt> {
  const base = baseFolder(ctx);
  const pathTemplate = template(ctx);
  const { root, prefix } = clientRoot(base, client);
  const maxPath = relativeBudget(root, prefix);
  if (doc.files.length === 0) throw new DeliveryError('no-retry', 'nothing-to-deliver', `The document ${doc.originalName} has no file to deliver.`);

  const total = doc.files.reduce((sum, file) => sum + file.bytes.length, 0);
  let done = 0;
  const paths: string[] = [];
  let allThere = true;
  for (const file of doc.files) {
    let relative: string;
    try {
      relative = renderPathTemplate(pathTemplate, templateValuesFromDelivery(doc, client, file.name || doc.originalName), { maxPath });
    } catch (error) {
      if (error instanceof PathTemplateError) {
        const failure = error.code === 'invalid-template' ? 'fatal-connection' : 'no-retry';
        throw new DeliveryError(failure, error.code === 'invalid-template' ? 'invalid-path-template' : 'name-too-long', error.message, { cause: error });
      }
      throw error;
    }
    const written = await writeFileAtomic(root, prefix === '' ? relative : `${prefix}/${relative}`, file.bytes, {
      collision: 'keep-both',
      signal: ctx.signal,
      onProgress: (bytes) => ctx.progress?.(done + bytes, total),
    });
    done += file.bytes.length;
    paths.push(written.path);
    allThere &&= written.alreadyThere;
  }
  return { remoteRef: paths.join('\n'), alreadyThere: allThere };
}

async function test(ctx: ConnectorContext): Promise<TestResult> {
  const folder = settingString(ctx.settings, 'path');
  if (folder === null) return { ok: false, message: 'No folder is set. Choose the folder Ledgerdrop should put documents in.' };
  if (!path.isAbsolute(folder)) return { ok: false, message: `"${folder}" is not a full path. Choose the folder with the folder picker (for example C:\\Accounting\\Import).` };
  const templateValue = settingString(ctx.settings, 'pathTemplate') ?? DEFAULT_PATH_TEMPLATE;
  const problem = validateTemplate(templateValue);
  if (problem !== null) return { ok: false, message: `The path template cannot be used: ${problem}` };

  try {
    const info = await stat(folder);
    if (!info.isDirectory()) return { ok: false, message: `${folder} is a file, not a folder. Choose a folder.` };
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, message: `The folder ${folder} does not exist. Create it, or reconnect the drive or network share it is on, and test again.` };
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return { ok: false, message: `Ledgerdrop is not allowed to open ${folder}. Give the user account that runs Ledgerdrop access to it, or choose another folder.` };
    }
    return { ok: false, message: `Cannot open ${folder}: ${(error as Error).message}` };
  }

  const probe = path.join(folder, `.ledgerdrop-test-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(probe, 'wx');
    try {
      await handle.writeFile('Ledgerdrop write test\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(probe).catch(() => undefined);
    const code = systemErrorCode(error);
    if (code === 'EACCES' || code === 'EPERM') {
      return { ok: false, message: `The folder ${folder} exists but Ledgerdrop may not write in it. Give the user account that runs Ledgerdrop permission to write there, or choose another folder.` };
    }
    if (code === 'EROFS') return { ok: false, message: `The folder ${folder} is on a read-only drive or share. Choose a folder Ledgerdrop can write in.` };
    if (code === 'ENOSPC' || code === 'EDQUOT') return { ok: false, message: `The disk holding ${folder} is full. Free some space there and test again.` };
    return { ok: false, message: `Could not write a test file in ${folder}: ${(error as Error).message}` };
  }
  try {
    await unlink(probe);
  } catch (error) {
    return { ok: false, message: `Ledgerdrop could write in ${folder} but not delete its test file ${probe} (${systemErrorCode(error) ?? 'error'}). Check the folder's permissions.` };
  }

  let example: string;
  try {
    example = path.join(folder, renderPathTemplate(templateValue, SAMPLE_TEMPLATE_VALUES));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  return { ok: true, message: 'The folder exists and Ledgerdrop can write in it.', facts: { folder, example } };
}

/** Sweeps our `.partial` files, whatever their age, under the connection's folder and clients' own folders. */
async function cleanupInterrupted(clients: readonly DeliveryClient[], ctx: ConnectorContext): Promise<boolean> {
  const roots = new Set<string>();
  try {
    const base = baseFolder(ctx);
    roots.add(base);
    for (const client of clients) roots.add(clientRoot(base, client).root);
  } catch {
    return true; // not configured: nothing of ours can be there
  }
  let complete = true;
  for (const root of roots) {
    const isFolder = await stat(root).then((info) => info.isDirectory(), () => false);
    if (!isFolder) {
      complete = false; // unplugged share: sweep when it is back
      continue;
    }
    await cleanupStalePartials(root, { olderThanMinutes: 0, maxDepth: 16 });
  }
  return complete;
}

export const localFolderConnector: ConnectorDefinition = {
  id: LOCAL_FOLDER_ID,
  nameKey: 'connector.localFolder.name',
  families: ['invoices', 'statements'],
  formats: ['original', 'peppol-bis-3', 'ubl-be'],
  fields: [
    { key: 'path', type: 'path', required: true, scope: 'connection', helpKey: 'connector.localFolder.field.path' },
    { key: 'pathTemplate', type: 'path-template', required: false, default: DEFAULT_PATH_TEMPLATE, scope: 'connection', helpKey: 'connector.localFolder.field.pathTemplate' },
    { key: 'subfolder', type: 'text', required: false, scope: 'client', helpKey: 'connector.localFolder.field.subfolder' },
  ],
  auth: ['none'],
  limits: { concurrency: 4 },
  test,
  deliver,
  cleanupInterrupted,
};

