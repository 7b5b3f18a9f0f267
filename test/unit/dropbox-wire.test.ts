/** Dropbox wire details, checked against the official SDK's own implementations where it has them. */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorTags, dropboxContentHash, headerSafeJson } from '../../src/main/connectors/dropbox/wire.ts';
import { numberField } from '../../src/main/connectors/dropbox/api.ts';
import { normalizeDropboxFolder } from '../../src/main/connectors/dropbox/index.ts';
import { dropboxConnector } from '../../src/main/connectors/dropbox/index.ts';

const require = createRequire(import.meta.url);
// The SDK's hasher (dropbox@10.47.0 src/content-hasher.js), an independent implementation. Its cjs
// build cannot load (it reads crypto's missing default export), so the ES source is imported.
const sdkHasherModule = 'dropbox/src/content-hasher.js';
const { contentHash: sdkContentHash } = (await import(sdkHasherModule)) as { contentHash(data: Uint8Array): string };
const { httpHeaderSafeJson } = require('dropbox/cjs/src/utils.js') as { httpHeaderSafeJson(value: unknown): string };

const MiB = 1024 * 1024;

describe('dropboxContentHash', () => {
  it('matches the SDK hasher at block boundaries', () => {
    for (const size of [0, 1, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, 9 * MiB]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
      expect(dropboxContentHash(bytes), `${size} bytes`).toBe(sdkContentHash(bytes));
    }
  });

  it('is SHA-256 of nothing for an empty file, and not the plain SHA-256 of a file', () => {
    expect(dropboxContentHash(new Uint8Array())).toBe(createHash('sha256').digest('hex'));
    const bytes = Buffer.from('<Invoice/>');
    expect(dropboxContentHash(bytes)).not.toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('headerSafeJson', () => {
  it('escapes everything from U+007F like the SDK, and stays the same JSON', () => {
    const arg = { path: '/Boekhouding/Société Générale/Facture n°12 – Ähnlich € 🧾.pdf', mode: 'add' };
    const header = headerSafeJson(arg);
    expect(header).toBe(httpHeaderSafeJson(arg));
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header).toContain('Soci\\u00e9t\\u00e9');
    expect(header).toContain('\\ud83e\\uddfe');
    expect(JSON.parse(header)).toEqual(arg);
  });
});

describe('errorTags / numberField', () => {
  it('reads the nested unions of Dropbox error bodies', () => {
    expect(errorTags({ error_summary: 'path/conflict/file/..', error: { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } }, upload_session_id: 'x' } })).toEqual(['path', 'conflict', 'file']);
    expect(errorTags({ error: { '.tag': 'path', path: { '.tag': 'insufficient_space' } } })).toEqual(['path', 'insufficient_space']);
    const lookup = { error_summary: 'lookup_failed/incorrect_offset/.', error: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 8388608 } } };
    expect(errorTags(lookup)).toEqual(['lookup_failed', 'incorrect_offset']);
    expect(numberField(lookup, 'correct_offset')).toBe(8388608);
    expect(errorTags({ error_summary: 'too_many_write_operations/...', error: { reason: { '.tag': 'too_many_write_operations' }, retry_after: 2 } })).toEqual(['too_many_write_operations']);
    expect(errorTags({ error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } })).toEqual(['expired_access_token']);
    expect(errorTags({ error_summary: 'path/not_found/...' })).toEqual(['path', 'not_found']);
    expect(errorTags('Too Many Requests')).toEqual([]);
    expect(errorTags(null)).toEqual([]);
  });
});

describe('Dropbox folder setting', () => {
  it('normalises what people type and refuses . and ..', () => {
    expect(normalizeDropboxFolder('/Ledgerdrop')).toBe('/Ledgerdrop');
    expect(normalizeDropboxFolder('Boekhouding/Inkomend/')).toBe('/Boekhouding/Inkomend');
    expect(normalizeDropboxFolder('\\A\\B')).toBe('/A/B');
    expect(normalizeDropboxFolder('/')).toBe('');
    expect(normalizeDropboxFolder('/a/../b')).toEqual({ problem: expect.stringContaining('may not contain') });
  });

  it('declares its fields: app key required, refresh token a keychain secret that is not required', () => {
    const fields = new Map(dropboxConnector.fields.map((f) => [f.key, f]));
    expect(fields.get('appKey')).toMatchObject({ required: true, scope: 'connection' });
    expect(fields.get('refreshToken')).toMatchObject({ secret: true, required: false, type: 'password' });
    expect(fields.get('folder')).toMatchObject({ default: '/Ledgerdrop' });
    expect(dropboxConnector.auth).toEqual(['oauth']);
    expect(dropboxConnector.formats).toContain('ubl-be');
    expect(dropboxConnector.limits.concurrency).toBe(1);
  });
});
