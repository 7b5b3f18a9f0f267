/**
 * Is test/fakes/dropbox.ts faithful? The official Dropbox SDK (dropbox@10.47.0, written against the
 * real service) talks to it through a fetch that only swaps the origins, as
 * ../shared/facts/feasibility.md §6 recipe A does: what the SDK sends must be accepted and what
 * the fake answers must parse the way the SDK expects from Dropbox.
 */
import { request } from 'node:http';
import { Dropbox, DropboxAuth, DropboxResponseError } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropboxContentHash, startDropboxFake, type DropboxFake } from '../fakes/dropbox.ts';

let fake: DropboxFake;
let accessToken: string;
let refreshToken: string;

beforeAll(async () => {
  fake = await startDropboxFake();
  refreshToken = fake.oauth.issueRefreshToken(fake.appKey);
});
afterAll(() => fake.close());

/** The SDK's own requests, sent to the fake instead of Dropbox. */
const sdkFetch = (url: string, init?: RequestInit): Promise<Response> => {
  const origin = new URL(url).origin;
  const target = fake.testEndpoints[origin.replace('https://dropbox.com', 'https://www.dropbox.com')];
  if (!target) throw new Error(`unexpected origin ${origin}`);
  return fetch(target + url.slice(origin.length), init);
};

function sdk(): Dropbox {
  return new Dropbox({ accessToken, fetch: sdkFetch });
}

describe('the Dropbox fake, driven by the official SDK', () => {
  it('refreshes with the SDK (parameters in the query string) and issues a token the API accepts', async () => {
    const auth = new DropboxAuth({ clientId: fake.appKey, refreshToken, fetch: sdkFetch });
    await auth.refreshAccessToken();
    accessToken = auth.getAccessToken();
    expect(fake.oauth.check(accessToken).ok).toBe(true);
    expect(fake.oauth.grants.at(-1)).toMatchObject({ grantType: 'refresh_token', paramsIn: 'query', outcome: 200 });
  });

  it('accepts the SDK upload of a file with an accented name (escaped Dropbox-API-Arg) and gives it back with Dropbox-API-Result', async () => {
    const bytes = Buffer.from('<Invoice>één</Invoice>');
    const path = '/Boekhouding/Société Générale/Factuur – ÄÖ 2026.xml';
    const uploaded = await sdk().filesUpload({ path, contents: bytes, mode: { '.tag': 'add' }, autorename: false });
    expect(uploaded.status).toBe(200);
    expect(uploaded.result).toMatchObject({ path_display: path, path_lower: path.toLowerCase(), size: bytes.length, content_hash: dropboxContentHash(bytes) });
    const call = fake.calls('files/upload').at(-1)!;
    expect(call.argHeader).toContain('Soci\\u00e9t\\u00e9');
    expect(call.headers['content-type']).toBe('application/octet-stream');
    expect(call.arg).toMatchObject({ path, mode: { '.tag': 'add' }, autorename: false });

    const meta = await sdk().filesGetMetadata({ path: path.toUpperCase() });
    expect(meta.result).toMatchObject({ '.tag': 'file', name: 'Factuur – ÄÖ 2026.xml' });

    const downloaded = (await sdk().filesDownload({ path })) as unknown as { result: { name: string; fileBinary: Buffer } };
    expect(downloaded.result.name).toBe('Factuur – ÄÖ 2026.xml');
    expect(Buffer.from(downloaded.result.fileBinary).equals(bytes)).toBe(true);
  });

  it('answers the SDK with Dropbox error shapes: 409 conflicts and not_found, 401 expired', async () => {
    const path = '/conflicts/a.txt';
    await sdk().filesUpload({ path, contents: Buffer.from('one'), mode: { '.tag': 'add' } });
    // Same bytes again: nothing written, no conflict.
    const again = await sdk().filesUpload({ path, contents: Buffer.from('one'), mode: { '.tag': 'add' } });
    expect(again.result.rev).toBe(fake.file(path)!.rev);

    const conflict = (await sdk()
      .filesUpload({ path, contents: Buffer.from('two'), mode: { '.tag': 'add' }, autorename: false })
      .catch((e: unknown) => e)) as DropboxResponseError<{ error_summary: string; error: unknown }>;
    expect(conflict).toBeInstanceOf(DropboxResponseError);
    expect(conflict.status).toBe(409);
    expect(conflict.error.error_summary).toMatch(/^path\/conflict\/file\/\.{1,3}$/);
    expect(conflict.error.error).toMatchObject({ '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
    const renamed = await sdk().filesUpload({ path, contents: Buffer.from('two'), mode: { '.tag': 'add' }, autorename: true });
    expect(renamed.result.path_display).toBe('/conflicts/a (1).txt');

    const missing = (await sdk().filesGetMetadata({ path: '/nope' }).catch((e: unknown) => e)) as DropboxResponseError<{ error_summary: string }>;
    expect(missing.status).toBe(409);
    expect(missing.error.error_summary).toMatch(/^path\/not_found\//);

    fake.fault({ route: 'files/get_metadata', kind: 'expired-token' });
    const expired = (await sdk().filesGetMetadata({ path }).catch((e: unknown) => e)) as DropboxResponseError<{ error: { '.tag': string } }>;
    expect(expired.status).toBe(401);
    expect(expired.error.error['.tag']).toBe('expired_access_token');
  });

  it('runs an SDK upload session, and tells it the correct offset after a wrong one', async () => {
    const part = (n: number) => Buffer.alloc(4 * 1024 * 1024, n);
    const start = await sdk().filesUploadSessionStart({ contents: part(1), close: false });
    const cursor = { session_id: start.result.session_id, offset: 4 * 1024 * 1024 };
    await sdk().filesUploadSessionAppendV2({ cursor, contents: part(2), close: false });
    const wrong = (await sdk()
      .filesUploadSessionAppendV2({ cursor, contents: part(2), close: false })
      .catch((e: unknown) => e)) as DropboxResponseError<{ error_summary: string; error: { '.tag': string; correct_offset: number } }>;
    expect(wrong.status).toBe(409);
    expect(wrong.error.error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 8 * 1024 * 1024 });
    const done = await sdk().filesUploadSessionFinish({ cursor: { ...cursor, offset: 8 * 1024 * 1024 }, commit: { path: '/big/file.bin', mode: { '.tag': 'add' } }, contents: Buffer.alloc(0) });
    expect(done.result.size).toBe(8 * 1024 * 1024);
    expect(done.result.content_hash).toBe(dropboxContentHash(Buffer.concat([part(1), part(2)])));
  });

  it('rate-limits the SDK with 429 + Retry-After (JSON and plain text)', async () => {
    fake.fault({ route: 'files/get_metadata', kind: 'rate-limit', body: 'json', reason: 'too_many_write_operations', retryAfter: 3 });
    const json = (await sdk().filesGetMetadata({ path: '/big/file.bin' }).catch((e: unknown) => e)) as DropboxResponseError<{ error: { reason: { '.tag': string }; retry_after: number } }>;
    expect(json.status).toBe(429);
    expect(json.headers.get('retry-after')).toBe('3');
    expect(json.error.error).toEqual({ reason: { '.tag': 'too_many_write_operations' }, retry_after: 3 });

    fake.fault({ route: 'files/get_metadata', kind: 'rate-limit', body: 'text', retryAfter: 2 });
    const text = (await sdk().filesGetMetadata({ path: '/big/file.bin' }).catch((e: unknown) => e)) as DropboxResponseError<unknown>;
    expect(text.status).toBe(429);
    expect(text.error).toBe('Too Many Requests');
  });

  it('refuses a Dropbox-API-Arg with raw non-ASCII bytes, as Dropbox does', async () => {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const url = new URL(`${fake.origin('content')}/2/files/upload`);
      const req = request(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/octet-stream', 'Dropbox-API-Arg': Buffer.from(JSON.stringify({ path: '/é.txt' }), 'utf8').toString('latin1') },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status.code).toBe(400);
    expect(status.body).toContain('could not decode input as JSON');
    expect(fake.file('/é.txt')).toBeUndefined();
  });

  it('serves content routes only on the content host', async () => {
    const response = await fetch(`${fake.origin('api')}/2/files/upload`, { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` }, body: 'x' });
    expect(response.status).toBe(400);
  });
});
