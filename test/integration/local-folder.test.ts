/**
 * The local-folder connector on a real file system, including the failures a real destination
 * has: a share that disappears, a folder we may not write in, a read-only drive, a full disk.
 *
 * Root tricks (the suite usually runs as root, who may write anywhere):
 * - "may not write": the attempt runs in a child process under
 *   `setpriv --bounding-set -dac_override,-dac_read_search` (root without the capabilities that
 *   bypass file permissions), or as uid 65534 when setpriv is missing, or directly when not root;
 * - read-only drive and full disk: small tmpfs mounts; when this machine does not allow mounting
 *   (no root, or a container without CAP_SYS_ADMIN) those tests are skipped with a warning.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { localFolderConnector } from '../../src/main/connectors/local-folder/index.ts';
import { DEFAULT_PATH_TEMPLATE } from '../../src/main/connectors/path-template.ts';
import { DeliveryError, type ConnectorContext, type DeliveryClient, type DeliveryDocument, type DeliveryReceipt, type TestResult } from '../../src/main/connectors/types.ts';
import { tempDirs } from '../helpers/temp.ts';
import { mountTmpfs, remount, tmpfsProblem, unmountAll } from '../helpers/tmpfs.ts';

const temp = tempDirs('ledgerdrop-local-folder-');

const CONNECTOR_URL = pathToFileURL(path.resolve('src/main/connectors/local-folder/index.ts')).href;
const SETPRIV = '/usr/bin/setpriv';
const isRoot = process.getuid?.() === 0;

// ---------------------------------------------------------------------------------------------
// Fixtures

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

interface DocInput {
  originalName?: string;
  files?: { name: string; text: string; mimeType?: string }[];
  meta?: Partial<DeliveryDocument['meta']>;
  family?: DeliveryDocument['family'];
}

/** A plain-JSON description of a document (so it can be handed to a child process too). */
function docInput(overrides: DocInput = {}): Required<DocInput> {
  return {
    originalName: 'F2025-0117.xml',
    files: [
      { name: 'F2025-0117.xml', text: '<Invoice>F2025-0117</Invoice>', mimeType: 'application/xml' },
      { name: 'F2025-0117.pdf', text: '%PDF-1.7 F2025-0117', mimeType: 'application/pdf' },
    ],
    meta: {},
    family: 'invoices',
    ...overrides,
  };
}

function makeDoc(input: DocInput = {}): DeliveryDocument {
  const full = docInput(input);
  return {
    deliveryId: 'delivery-1',
    sha256: '0'.repeat(64),
    family: full.family,
    direction: 'purchase',
    kind: 'invoice',
    format: 'peppol-bis-3',
    originalName: full.originalName,
    receivedAt: '2025-03-15T09:30:00Z',
    meta: { number: 'F2025-0117', issueDate: '2025-03-14', supplier: 'ACME Office Supplies', customer: 'Dupont SPRL', ...full.meta },
    files: full.files.map((file) => ({ name: file.name, bytes: encode(file.text), mimeType: file.mimeType ?? 'application/octet-stream' })),
  };
}

const client = (overrides: Partial<DeliveryClient> = {}): DeliveryClient => ({ id: 'client-42', name: 'Dupont SPRL', accountingFileId: 'DOS-0042', fields: {}, ...overrides });

function context(settings: Record<string, unknown>, extra: Partial<ConnectorContext> = {}): ConnectorContext {
  return { connectionId: 'conn-1', settings, secret: async () => null, setSecret: async () => undefined, ...extra } as ConnectorContext;
}

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  }
  throw new Error('expected a DeliveryError, but the delivery succeeded');
}

/** All files under dir, relative, sorted (hidden partials included). */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Running the connector without permission to bypass file modes

const CHILD = `
const { localFolderConnector } = await import(${JSON.stringify(CONNECTOR_URL)});
const [op, json] = process.argv.slice(1);
const input = JSON.parse(json);
const ctx = { connectionId: 'conn-1', settings: input.settings, secret: async () => null };
let out;
try {
  if (op === 'test') out = { result: await localFolderConnector.test(ctx) };
  else {
    const doc = { ...input.doc, files: input.doc.files.map((f) => ({ ...f, bytes: new TextEncoder().encode(f.text) })) };
    out = { result: await localFolderConnector.deliver(doc, input.client, ctx) };
  }
} catch (e) {
  out = { error: { name: e.name, failure: e.failure, code: e.code, message: e.message } };
}
console.log(JSON.stringify(out));
`;

/** How the child is stripped of root's power over file permissions, for messages. */
const restriction = !isRoot ? 'not root: file modes apply as they are' : existsSync(SETPRIV) ? 'setpriv without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH' : 'uid 65534 (nobody)';

interface ChildOutcome<T> {
  result?: T;
  error?: { name: string; failure: string; code: string; message: string };
}

function runRestricted<T>(op: 'test' | 'deliver', input: unknown): Promise<ChildOutcome<T>> {
  const nodeArgs = ['--input-type=module', '-e', CHILD, op, JSON.stringify(input)];
  const [command, args, ids] =
    !isRoot ? [process.execPath, nodeArgs, {}]
    : existsSync(SETPRIV) ? [SETPRIV, ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, ...nodeArgs], {}]
    : [process.execPath, nodeArgs, { uid: 65534, gid: 65534 }];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as ChildOutcome<T>);
      } catch {
        reject(new Error(`restricted child (${restriction}) exited ${code}: ${stdout}\n${stderr}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// tmpfs mounts, when the machine allows them

const mountProblem = tmpfsProblem();
if (mountProblem !== null) console.warn(`local-folder: skipping the read-only drive and full disk tests: this machine does not allow tmpfs mounts (${mountProblem}).`);

afterEach(() => {
  unmountAll(); // before the temp folders they are mounted on are removed
  temp.cleanup();
});

// ---------------------------------------------------------------------------------------------

describe('local folder: definition', () => {
  it('declares what the wizard and the outbox need', () => {
    const c = localFolderConnector;
    expect(c.id).toBe('local-folder');
    expect(c.families).toEqual(['invoices', 'statements']);
    expect(c.formats).toEqual(['original', 'peppol-bis-3', 'ubl-be']);
    expect(c.auth).toEqual(['none']);
    expect(c.limits.concurrency).toBe(4);
    expect(c.fields.map((f) => [f.key, f.type, f.required, f.scope])).toEqual([
      ['path', 'path', true, 'connection'],
      ['pathTemplate', 'path-template', false, 'connection'],
      ['subfolder', 'text', false, 'client'],
    ]);
    expect(c.fields.find((f) => f.key === 'pathTemplate')?.default).toBe(DEFAULT_PATH_TEMPLATE);
    expect(c.fields.some((f) => f.secret)).toBe(false);
  });
});

describe('local folder: test()', () => {
  it('succeeds on a writable folder, shows an example path, and leaves nothing behind', async () => {
    const folder = temp.make();
    const result = await localFolderConnector.test(context({ path: folder, pathTemplate: '[year]/[supplier]/[original_name]' }));
    expect(result).toEqual({ ok: true, message: 'The folder exists and Ledgerdrop can write in it.', facts: { folder, example: path.join(folder, '2025', 'ACME Office Supplies', 'F2025-0117.xml') } });
    expect(readdirSync(folder)).toEqual([]);
  });

  it('explains each problem plainly', async () => {
    const parent = temp.make();
    const file = path.join(parent, 'a-file.txt');
    writeFileSync(file, 'x');
    const message = async (settings: Record<string, unknown>): Promise<TestResult> => localFolderConnector.test(context(settings));

    expect(await message({})).toEqual({ ok: false, message: 'No folder is set. Choose the folder Ledgerdrop should put documents in.' });
    expect((await message({ path: 'relative/folder' })).message).toMatch(/is not a full path/);
    expect(await message({ path: path.join(parent, 'missing') })).toEqual({
      ok: false,
      message: `The folder ${path.join(parent, 'missing')} does not exist. Create it, or reconnect the drive or network share it is on, and test again.`,
    });
    expect(await message({ path: file })).toEqual({ ok: false, message: `${file} is a file, not a folder. Choose a folder.` });
    const bad = await message({ path: parent, pathTemplate: '[clinet]/[original_name]' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/Unknown variable \[clinet\]/);
  });

  it(`reports a folder it may not write in (${restriction})`, async () => {
    const folder = temp.make();
    chmodSync(folder, 0o555);
    const outcome = await runRestricted<TestResult>('test', { settings: { path: folder } });
    chmodSync(folder, 0o755);
    expect(outcome.result).toEqual({
      ok: false,
      message: `The folder ${folder} exists but Ledgerdrop may not write in it. Give the user account that runs Ledgerdrop permission to write there, or choose another folder.`,
    });
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('local folder: deliver()', () => {
  it('writes the main file and its PDF under the default template and returns their paths', async () => {
    const base = temp.make();
    const progress: [number, number][] = [];
    const receipt = await localFolderConnector.deliver(makeDoc(), client(), context({ path: base }, { progress: (sent, total) => progress.push([sent, total]) }));
    const xml = path.join(base, 'DOS-0042', 'invoices', 'F2025-0117.xml');
    const pdf = path.join(base, 'DOS-0042', 'invoices', 'F2025-0117.pdf');
    expect(receipt).toEqual({ remoteRef: `${xml}\n${pdf}`, alreadyThere: false });
    expect(readFileSync(xml, 'utf8')).toBe('<Invoice>F2025-0117</Invoice>');
    expect(readFileSync(pdf, 'utf8')).toBe('%PDF-1.7 F2025-0117');
    expect(listFiles(base)).toEqual(['DOS-0042/invoices/F2025-0117.pdf', 'DOS-0042/invoices/F2025-0117.xml']);
    const total = 29 + 19;
    expect(progress.at(-1)).toEqual([total, total]);
  });

  it('is idempotent: a retry finds the files already there and writes nothing', async () => {
    const base = temp.make();
    const first = await localFolderConnector.deliver(makeDoc(), client(), context({ path: base }));
    const again = await localFolderConnector.deliver(makeDoc(), client(), context({ path: base }));
    expect(again).toEqual({ remoteRef: first.remoteRef, alreadyThere: true });
    expect(listFiles(base)).toHaveLength(2);
  });

  it('keeps a different document with the same name as name (2).ext', async () => {
    const base = temp.make();
    await localFolderConnector.deliver(makeDoc(), client(), context({ path: base }));
    const other = makeDoc({ files: [{ name: 'F2025-0117.xml', text: '<Invoice>another supplier</Invoice>' }] });
    const receipt = await localFolderConnector.deliver(other, client(), context({ path: base }));
    expect(receipt.remoteRef).toBe(path.join(base, 'DOS-0042', 'invoices', 'F2025-0117 (2).xml'));
    expect(readFileSync(path.join(base, 'DOS-0042', 'invoices', 'F2025-0117.xml'), 'utf8')).toBe('<Invoice>F2025-0117</Invoice>');
  });

  it('uses the client id without an accounting file id, renders the template per file, and sanitises hostile values', async () => {
    const base = temp.make();
    const doc = makeDoc({ meta: { supplier: '../../etc/passwd', number: 'CON' } });
    const receipt = await localFolderConnector.deliver(doc, client({ accountingFileId: null }), context({ path: base, pathTemplate: '[accounting_file_id]/[year]/[month]/[supplier]/[number]' }));
    expect(receipt.remoteRef.split('\n')).toEqual([
      path.join(base, 'client-42', '2025', '03', '__.._etc_passwd', 'CON_.xml'),
      path.join(base, 'client-42', '2025', '03', '__.._etc_passwd', 'CON_.pdf'),
    ]);
    expect(existsSync('/etc/passwd.xml')).toBe(false);
  });

  it('puts a client in its subfolder (relative to the folder, or a full path of its own)', async () => {
    const base = temp.make();
    const own = temp.make();
    const relative = await localFolderConnector.deliver(makeDoc(), client({ fields: { subfolder: 'Clients/Dupont: SPRL' } }), context({ path: base, pathTemplate: '[family]/[original_name]' }));
    expect(relative.remoteRef.split('\n')[0]).toBe(path.join(base, 'Clients', 'Dupont_ SPRL', 'invoices', 'F2025-0117.xml'));
    const absolute = await localFolderConnector.deliver(makeDoc(), client({ fields: { subfolder: own } }), context({ path: base, pathTemplate: '[family]/[original_name]' }));
    expect(absolute.remoteRef.split('\n')[0]).toBe(path.join(own, 'invoices', 'F2025-0117.xml'));
    const error = await deliveryError(localFolderConnector.deliver(makeDoc(), client({ fields: { subfolder: '../elsewhere' } }), context({ path: base })));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'invalid-subfolder' });
  });

  it('stops the connection for a missing folder setting or an unusable template', async () => {
    expect(await deliveryError(localFolderConnector.deliver(makeDoc(), client(), context({})))).toMatchObject({ failure: 'fatal-connection', code: 'not-configured' });
    const base = temp.make();
    const error = await deliveryError(localFolderConnector.deliver(makeDoc(), client(), context({ path: base, pathTemplate: '[accounting_file_id]/[date]/[original_name]' })));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: 'invalid-path-template' });
    expect(error.message).toMatch(/Unknown variable \[date\]/);
    expect(readdirSync(base)).toEqual([]);
  });

  it('concurrent deliveries of different documents with the same name never clobber each other', async () => {
    const base = temp.make();
    const docs = Array.from({ length: 8 }, (_, i) => makeDoc({ files: [{ name: 'scan.pdf', text: `%PDF scan number ${i}` }] }));
    const receipts = await Promise.all(docs.map((doc) => localFolderConnector.deliver(doc, client(), context({ path: base }))));
    expect(new Set(receipts.map((r) => r.remoteRef)).size).toBe(8);
    receipts.forEach((receipt, i) => expect(readFileSync(receipt.remoteRef, 'utf8')).toBe(`%PDF scan number ${i}`));
    expect(listFiles(base)).toHaveLength(8);
  });

  it('a destination that went away (unplugged drive, disconnected share) is retried and never recreated', async () => {
    const parent = temp.make();
    const base = path.join(parent, 'mnt-share');
    mkdirSync(base);
    await localFolderConnector.deliver(makeDoc(), client(), context({ path: base }));
    rmSync(base, { recursive: true });
    const error = await deliveryError(localFolderConnector.deliver(makeDoc({ files: [{ name: 'other.xml', text: 'x' }] }), client(), context({ path: base })));
    expect(error.failure).toBe('retry');
    expect(error.code).toBe('destination-missing');
    expect(error.message).toContain(base);
    expect(existsSync(base)).toBe(false);
  });

  it(`a folder it may not write in is a no-retry permission-denied (${restriction})`, async () => {
    const base = temp.make();
    chmodSync(base, 0o555);
    const outcome = await runRestricted<DeliveryReceipt>('deliver', { settings: { path: base }, doc: { ...makeDoc(), files: docInput().files }, client: client() });
    chmodSync(base, 0o755);
    expect(outcome.result).toBeUndefined();
    expect(outcome.error).toMatchObject({ name: 'DeliveryError', failure: 'no-retry', code: 'permission-denied' });
    expect(outcome.error?.message).toContain(`permission to write in ${base}`);
    expect(listFiles(base)).toEqual([]);
  });

  it.skipIf(mountProblem !== null)('a read-only drive is a no-retry permission-denied', async () => {
    const base = temp.make();
    mountTmpfs(base, 'size=1m,ro');
    const error = await deliveryError(localFolderConnector.deliver(makeDoc(), client(), context({ path: base })));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'permission-denied' });
    expect(error.message).toMatch(/read-only/);
    const test = await localFolderConnector.test(context({ path: base }));
    expect(test).toEqual({ ok: false, message: `The folder ${base} is on a read-only drive or share. Choose a folder Ledgerdrop can write in.` });
  });

  it.skipIf(mountProblem !== null)('a full disk is retried, leaves no partial file, and succeeds once there is room', async () => {
    const base = temp.make();
    mountTmpfs(base, 'size=512k');
    const big = 'B'.repeat(2 * 1024 * 1024);
    const doc = makeDoc({ files: [{ name: 'statement.pdf', text: big }] });
    const error = await deliveryError(localFolderConnector.deliver(doc, client(), context({ path: base })));
    expect(error).toMatchObject({ failure: 'retry', code: 'disk-full' });
    expect(error.message).toMatch(/^The destination disk is full/);
    expect(listFiles(base)).toEqual([]); // no partial, and no empty file under the final name
    expect(readdirSync(path.join(base, 'DOS-0042', 'invoices'))).toEqual([]);

    remount(base, 'size=8m');
    const receipt = await localFolderConnector.deliver(doc, client(), context({ path: base }));
    expect(receipt.alreadyThere).toBe(false);
    expect(readFileSync(receipt.remoteRef, 'utf8')).toHaveLength(big.length);
    expect(listFiles(base)).toEqual(['DOS-0042/invoices/statement.pdf']);
  });
});
