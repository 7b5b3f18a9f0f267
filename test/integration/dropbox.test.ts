/**
 * The Dropbox connector against the faithful fake (test/fakes/dropbox.ts), in process: uploads,
 * idempotency and conflicts, upload sessions, and every fault the issue lists. Each fault test
 * fails when its handling is removed (see the comment on each).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropboxConnector } from '../../src/main/connectors/dropbox/index.ts';
import { DeliveryError, NEEDS_SIGN_IN, type DeliveryClient, type DeliveryDocument } from '../../src/main/connectors/types.ts';
import { memoryContext, type MemoryContext } from '../fakes/context.ts';
import { dropboxContentHash, startDropboxFake, type DropboxFake } from '../fakes/dropbox.ts';

const MiB = 1024 * 1024;
let fake: DropboxFake;
let counter = 0;
const savedEndpoints = process.env.LEDGERDROP_TEST_ENDPOINTS;

beforeAll(async () => {
  fake = await startDropboxFake();
  process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify(fake.testEndpoints);
});
afterEach(() => fake.clearFaults());
afterAll(async () => {
  await fake.close();
  if (savedEndpoints === undefined) delete process.env.LEDGERDROP_TEST_ENDPOINTS;
  else process.env.LEDGERDROP_TEST_ENDPOINTS = savedEndpoints;
});

/** A connection signed in to the fake (a refresh token in the keychain, no access token yet). */
function connection(settings: Record<string, unknown> = {}, against: DropboxFake = fake): MemoryContext {
  return memoryContext(`dbx-${++counter}`, { appKey: against.appKey, folder: '/Ledgerdrop', ...settings }, { refreshToken: against.oauth.issueRefreshToken(against.appKey) });
}

const client: DeliveryClient = { id: 'acme', name: 'ACME BV', accountingFileId: 'ACME01', fields: {} };

function document(name: string, bytes: Uint8Array, extra: DeliveryDocument['files'] = []): DeliveryDocument {
  return {
    deliveryId: `acme/dbx/${name}`,
    sha256: 'x',
    family: 'invoices',
    direction: 'purchase',
    kind: 'invoice',
    format: 'ubl-be',
    originalName: name,
    receivedAt: '2026-03-14T09:30:12.345Z',
    meta: { number: 'F1', issueDate: '2026-03-12', supplier: 'Fournisseur SA', customer: 'ACME BV' },
    files: [{ name, bytes, mimeType: 'application/xml' }, ...extra],
  };
}

const deliver = (doc: DeliveryDocument, ctx: MemoryContext, who: DeliveryClient = client) => dropboxConnector.deliver(doc, who, ctx);
const failure = async (promise: Promise<unknown>): Promise<DeliveryError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
};

describe('Dropbox deliveries', () => {
  it('uploads with mode add, autorename false and the content hash, to folder + template, accents escaped in the header', async () => {
    const ctx = connection();
    const xml = Buffer.from('<Invoice>été</Invoice>');
    const pdf = Buffer.from('%PDF-1.7 fake');
    const receipt = await deliver(document('Facture Société – été.xml', xml, [{ name: 'Facture Société – été.pdf', bytes: pdf, mimeType: 'application/pdf' }]), ctx);

    expect(receipt).toEqual({ remoteRef: '/Ledgerdrop/ACME01/invoices/Facture Société – été.xml\n/Ledgerdrop/ACME01/invoices/Facture Société – été.pdf', alreadyThere: false });
    expect(fake.file('/Ledgerdrop/ACME01/invoices/Facture Société – été.xml')!.bytes.equals(xml)).toBe(true);
    expect(fake.file('/Ledgerdrop/ACME01/invoices/Facture Société – été.pdf')!.bytes.equals(pdf)).toBe(true);
    const call = fake.calls('files/upload').at(-2)!;
    expect(call.host).toBe('content');
    expect(call.arg).toEqual({
      path: '/Ledgerdrop/ACME01/invoices/Facture Société – été.xml',
      mode: 'add',
      autorename: false,
      mute: true,
      strict_conflict: false,
      client_modified: '2026-03-14T09:30:12Z',
      content_hash: dropboxContentHash(xml),
    });
    expect(call.argHeader).toMatch(/^[\x20-\x7e]+$/);
    expect(call.headers.authorization).toMatch(/^Bearer at-/);
    // Tokens live in the keychain only; the receipt has none.
    expect(JSON.parse(ctx.secrets.get('accessToken')!)).toMatchObject({ token: expect.stringMatching(/^at-/) });
    expect(JSON.stringify(receipt)).not.toMatch(/at-|rt-/);
    // Progress after each file.
    expect(ctx.progressEvents).toEqual([
      { sent: xml.length, total: xml.length + pdf.length },
      { sent: xml.length + pdf.length, total: xml.length + pdf.length },
    ]);
  });

  it('counts the same bytes already at the path as delivered: nothing is written again', async () => {
    const ctx = connection({ pathTemplate: 'Same/[original_name]' });
    const bytes = Buffer.from('<Invoice>same</Invoice>');
    // Someone (or an attempt whose answer was lost) put it there already, in other letter case.
    const before = fake.seed('/LEDGERDROP/same/SAME.xml', bytes);
    const receipt = await deliver(document('same.xml', bytes), ctx);
    expect(receipt.remoteRef).toBe('/Ledgerdrop/same/SAME.xml');
    expect(fake.file('/Ledgerdrop/Same/same.xml')!.rev).toBe(before.rev);
    expect(fake.paths().filter((p) => p.toLowerCase().includes('same'))).toHaveLength(1);
  });

  it('a different file at the path is a conflict the user sees; it is neither overwritten nor renamed', async () => {
    // Fails without mode add / autorename false: the other file is replaced, or "conflict (1).xml" appears.
    const ctx = connection();
    const theirs = fake.seed('/Ledgerdrop/ACME01/invoices/conflict.xml', Buffer.from('<Invoice>theirs</Invoice>'));
    const error = await failure(deliver(document('conflict.xml', Buffer.from('<Invoice>ours</Invoice>')), ctx));
    expect(error.failure).toBe('no-retry');
    expect(error.code).toBe('remote-conflict');
    expect(error.message).toMatch(/^Dropbox already has a different file with this name \(25 bytes, saved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\) at \/Ledgerdrop\/ACME01\/invoices\/conflict\.xml\. Ledgerdrop never overwrites or renames files in Dropbox\./);
    expect(error.message).toContain('move or rename it in Dropbox, then retry this delivery');
    expect(fake.file('/Ledgerdrop/ACME01/invoices/conflict.xml')).toMatchObject({ rev: theirs.rev });
    expect(fake.paths().filter((p) => p.includes('conflict'))).toEqual(['/Ledgerdrop/ACME01/invoices/conflict.xml']);
  });

  it('puts a client with a subfolder below the folder, or at its own full Dropbox path', async () => {
    const ctx = connection({ pathTemplate: '[year]/[original_name]' });
    await deliver(document('sub.xml', Buffer.from('a')), ctx, { ...client, fields: { subfolder: 'Klanten/ACME' } });
    await deliver(document('own.xml', Buffer.from('b')), ctx, { ...client, fields: { subfolder: '/Clients/ACME' } });
    expect(fake.file('/Ledgerdrop/Klanten/ACME/2026/sub.xml')).toBeDefined();
    expect(fake.file('/Clients/ACME/2026/own.xml')).toBeDefined();
  });
});

describe('Dropbox faults', () => {
  it('429 too_many_write_operations (JSON): waits Retry-After, then the same attempt succeeds', async () => {
    // Fails without the wait: the attempt ends with a DeliveryError instead.
    const ctx = connection();
    fake.fault({ route: 'files/upload', kind: 'rate-limit', body: 'json', reason: 'too_many_write_operations', retryAfter: 1 });
    await deliver(document('busy.xml', Buffer.from('<busy/>')), ctx);
    const calls = fake.calls('files/upload').filter((c) => (c.arg as { path: string }).path.endsWith('/busy.xml'));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('429 with a plain-text body (not JSON) is waited out the same way', async () => {
    const ctx = connection();
    fake.fault({ route: 'files/upload', kind: 'rate-limit', body: 'text', retryAfter: 1 });
    await deliver(document('plain.xml', Buffer.from('<plain/>')), ctx);
    const calls = fake.calls('files/upload').filter((c) => (c.arg as { path: string }).path.endsWith('/plain.xml'));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('a long Retry-After is handed to the outbox instead of blocking the worker', async () => {
    const ctx = connection();
    fake.fault({ route: 'files/upload', kind: 'rate-limit', body: 'json', reason: 'too_many_requests', retryAfter: 3600 });
    const error = await failure(deliver(document('later.xml', Buffer.from('<later/>')), ctx));
    expect(error).toMatchObject({ failure: 'retry', code: 'rate-limited', retryAfterMs: 3_600_000 });
    expect(error.message).toBe('Dropbox asks Ledgerdrop to slow down (too many requests). Ledgerdrop waits 60 minutes and tries again; nothing needs to be done.');
  });

  it('401 expired_access_token: refreshes once and repeats the call', async () => {
    // Fails without the refresh-on-401: the stored token still looks valid for hours, so only the 401 reveals it.
    const ctx = connection();
    await deliver(document('first.xml', Buffer.from('1')), ctx);
    const refreshes = fake.oauth.refreshCount();
    fake.oauth.expireAccessTokens();
    await deliver(document('second.xml', Buffer.from('2')), ctx);
    expect(fake.oauth.refreshCount() - refreshes).toBe(1);
    const calls = fake.calls('files/upload').filter((c) => c.argHeader?.includes('/second.xml'));
    expect(calls.map((c) => c.status)).toEqual([401, 200]);
  });

  it('401 again after the refresh stops the connection for a sign-in instead of looping', async () => {
    const ctx = connection();
    const refreshes = fake.oauth.refreshCount();
    fake.fault({ route: 'files/upload', kind: 'expired-token', times: Number.POSITIVE_INFINITY });
    const error = await failure(deliver(document('loop.xml', Buffer.from('l')), ctx));
    expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
    expect(error.message).toMatch(/^Sign in to Dropbox again: Dropbox no longer accepts this connection's sign-in \(expired_access_token\)/);
    expect(fake.oauth.refreshCount() - refreshes).toBe(2); // the first token, then exactly one forced refresh
  });

  it('revoked access: fatal for the connection, needs sign-in, no token in the message', async () => {
    const own = await startDropboxFake();
    process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify(own.testEndpoints);
    try {
      const ctx = connection({}, own);
      await deliver(document('before.xml', Buffer.from('b')), ctx);
      own.oauth.revokeAll();
      const error = await failure(deliver(document('after.xml', Buffer.from('a')), ctx));
      expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
      expect(error.message).toBe(
        `Sign in to Dropbox again: Dropbox no longer accepts this connection's sign-in (it was revoked, expired, or the account's password changed). Use Sign in on the connection, or run \`ledgerdrop connections sign-in ${ctx.connectionId}\`.`,
      );
      expect(own.file('/Ledgerdrop/ACME01/invoices/after.xml')).toBeUndefined();
    } finally {
      process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify(fake.testEndpoints);
      await own.close();
    }
  });

  it('a sign-in without the upload permission asks for the permission and a new sign-in', async () => {
    const own = await startDropboxFake({ scopes: ['files.metadata.read'] });
    process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify(own.testEndpoints);
    try {
      const error = await failure(deliver(document('scope.xml', Buffer.from('s')), connection({}, own)));
      expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
      expect(error.message).toContain('the permission "files.content.write"');
      expect(error.message).toContain('Dropbox App Console (your app → Permissions)');
    } finally {
      process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify(fake.testEndpoints);
      await own.close();
    }
  });

  it('a full Dropbox stops the connection with what to do', async () => {
    fake.quotaBytes = 0;
    try {
      const error = await failure(deliver(document('full.xml', Buffer.from('f')), connection()));
      expect(error).toMatchObject({ failure: 'fatal-connection', code: 'dropbox-full', message: 'The Dropbox account is full. Free up space in Dropbox (or upgrade the plan), then resume the connection.' });
    } finally {
      fake.quotaBytes = Number.POSITIVE_INFINITY;
    }
  });

  it('5xx is retried within the attempt; a lasting outage is "retry" for the outbox', async () => {
    const ctx = connection();
    fake.fault({ route: 'files/upload', kind: 'server-error', status: 503 });
    await deliver(document('flaky.xml', Buffer.from('f')), ctx);
    fake.fault({ route: 'files/upload', kind: 'server-error', status: 500, times: 3 });
    const error = await failure(deliver(document('down.xml', Buffer.from('d')), ctx));
    expect(error).toMatchObject({ failure: 'retry', code: 'dropbox-unavailable', message: 'Dropbox is having trouble right now (HTTP 500). Ledgerdrop tries again later; nothing needs to be done.' });
  });

  it('no app key, or no sign-in: the connection says what to do', async () => {
    const noKey = memoryContext('dbx-nokey', { folder: '/x' });
    expect(await failure(deliver(document('k.xml', Buffer.from('k')), noKey))).toMatchObject({ failure: 'fatal-connection', code: 'not-configured', message: expect.stringContaining('No Dropbox app key is set') });
    const notSignedIn = memoryContext('dbx-nosignin', { appKey: fake.appKey });
    expect(await failure(deliver(document('k.xml', Buffer.from('k')), notSignedIn))).toMatchObject({
      failure: 'fatal-connection',
      code: NEEDS_SIGN_IN,
      message: 'Sign in to Dropbox: this connection is not signed in to Dropbox yet (or its sign-in was removed). Use Sign in on the connection, or run `ledgerdrop connections sign-in dbx-nosignin`.',
    });
  });
});

describe('Dropbox upload sessions (files over 150 MiB)', () => {
  const big = Buffer.alloc(150 * MiB + 12345);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;

  it('uploads in 4 MiB-multiple chunks with progress, resuming from correct_offset when an answer is lost', async () => {
    // Fails without the incorrect_offset handling: the re-sent chunk is refused and the delivery fails.
    const ctx = connection({ pathTemplate: '[original_name]' });
    const first = fake.requests.length;
    fake.fault({ route: 'files/upload_session/append_v2', kind: 'drop-response' });
    const receipt = await deliver(document('scan-archive.pdf', big), ctx);
    expect(receipt).toEqual({ remoteRef: '/Ledgerdrop/scan-archive.pdf', alreadyThere: false });

    const stored = fake.file('/Ledgerdrop/scan-archive.pdf')!;
    expect(stored.bytes.equals(big)).toBe(true);
    const calls = fake.requests.slice(first).filter((c) => c.route.startsWith('files/'));
    expect(calls.map((c) => c.route).filter((r) => r === 'files/upload')).toEqual([]);
    expect(calls[0]!.route).toBe('files/get_metadata'); // looked before sending 150 MiB
    expect(calls.filter((c) => c.route === 'files/upload_session/start')).toHaveLength(1);
    const appends = calls.filter((c) => c.route === 'files/upload_session/append_v2');
    expect(appends[0]!.status).toBe(0); // answer lost (connection cut after Dropbox kept the chunk)
    expect(appends[1]!.status).toBe(409); // same offset again → incorrect_offset
    // What Dropbox kept: the start, and every append it took (the lost answer's chunk included).
    const data = calls.filter((c) => c.route === 'files/upload_session/start' || (c.route === 'files/upload_session/append_v2' && c.status !== 409));
    for (const chunk of data.slice(0, -1)) expect(chunk.bodyLength % (4 * MiB)).toBe(0);
    expect(data.reduce((sum, c) => sum + c.bodyLength, 0)).toBe(big.length);
    expect(calls.at(-1)).toMatchObject({ route: 'files/upload_session/finish', status: 200, arg: { cursor: { offset: big.length }, commit: { path: '/Ledgerdrop/scan-archive.pdf', mode: 'add', autorename: false } } });

    const sent = ctx.progressEvents.map((e) => e.sent);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(sent.at(-1)).toBe(big.length);
    expect(ctx.progressEvents.every((e) => e.total === big.length)).toBe(true);
  });

  it('a large file already in Dropbox with the same content is not sent again', async () => {
    const ctx = connection({ pathTemplate: '[original_name]' });
    const first = fake.requests.length;
    const receipt = await deliver(document('scan-archive.pdf', big), ctx);
    expect(receipt.alreadyThere).toBe(true);
    expect(fake.requests.slice(first).map((c) => c.route).filter((r) => r.startsWith('files/'))).toEqual(['files/get_metadata']);
  });

  it('a different large file at the path is a conflict found before uploading', async () => {
    const ctx = connection({ pathTemplate: 'other/[original_name]' });
    fake.seed('/Ledgerdrop/other/scan-archive.pdf', Buffer.from('small and different'));
    const first = fake.requests.length;
    const error = await failure(deliver(document('scan-archive.pdf', big), ctx));
    expect(error).toMatchObject({ failure: 'no-retry', code: 'remote-conflict' });
    expect(fake.requests.slice(first).map((c) => c.route).filter((r) => r.startsWith('files/'))).toEqual(['files/get_metadata']);
  });
});

describe('Dropbox connection test', () => {
  it('says whether it is signed in and where documents go', async () => {
    const notSignedIn = await dropboxConnector.test(memoryContext('dbx-t0', { appKey: fake.appKey }));
    expect(notSignedIn).toMatchObject({ ok: false, message: expect.stringMatching(/^Sign in to Dropbox: /) });

    const fresh = await dropboxConnector.test(connection({ folder: '/Nieuw' }));
    expect(fresh).toEqual({
      ok: true,
      message: 'Signed in to Dropbox. The folder /Nieuw does not exist yet; Dropbox creates it with the first delivery.',
      facts: { folder: '/Nieuw', example: '/Nieuw/DOS-0042/invoices/F2025-0117.xml' },
    });
    expect(await dropboxConnector.test(connection())).toMatchObject({ ok: true, message: 'Signed in to Dropbox; documents go to /Ledgerdrop.' });
    fake.seed('/AFile', Buffer.from('x'));
    expect(await dropboxConnector.test(connection({ folder: '/afile' }))).toMatchObject({ ok: false, message: '/afile in Dropbox is a file, not a folder. Choose another folder in the connection settings.' });
  });
});
