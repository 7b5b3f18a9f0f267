/** The FTP connector's settings checks: what a user can type, and the plain sentence when it cannot work. */
import { describe, expect, it } from 'vitest';
import { normalizeFingerprint, readSettings } from '../../src/main/connectors/ftp/settings.ts';
import { drainAllowanceMs } from '../../src/main/connectors/ftp/upload.ts';
import { DeliveryError } from '../../src/main/connectors/types.ts';

const base = { host: 'ftp.example.be', username: 'acme' };
const hex = 'ab'.repeat(32);
const colons = hex.toUpperCase().match(/../g)!.join(':');

function refusal(settings: Record<string, unknown>): DeliveryError {
  try {
    readSettings(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).failure).toBe('fatal-connection');
    return error as DeliveryError;
  }
  throw new Error('expected the settings to be refused');
}

describe('FTP settings', () => {
  it('defaults to explicit TLS on port 21, implicit TLS on 990, the login folder, the usual template and 30 s', () => {
    expect(readSettings(base)).toEqual({
      host: 'ftp.example.be',
      port: 21,
      username: 'acme',
      security: 'explicit-tls',
      certFingerprint: null,
      folder: null,
      pathTemplate: '[accounting_file_id]/[family]/[original_name]',
      timeoutMs: 30_000,
    });
    expect(readSettings({ ...base, security: 'implicit-tls' }).port).toBe(990);
    expect(readSettings({ ...base, security: 'implicit-tls', port: 2990 }).port).toBe(2990);
    expect(readSettings({ ...base, timeoutSeconds: 2.5 }).timeoutMs).toBe(2_500);
  });

  it('refuses plain FTP unless it is confirmed, and says how', () => {
    const error = refusal({ ...base, security: 'none' });
    expect(error.code).toBe('plain-ftp-not-confirmed');
    expect(error.message).toContain('set "allowPlainFtp" to true');
    expect(refusal({ ...base, security: 'none', allowPlainFtp: 'true' }).code).toBe('plain-ftp-not-confirmed'); // only the boolean counts
    expect(readSettings({ ...base, security: 'none', allowPlainFtp: true }).security).toBe('none');
  });

  it('explains unusable values', () => {
    expect(refusal({ username: 'x' }).message).toMatch(/^No FTP server is set/);
    expect(refusal({ ...base, host: 'ftp://ftp.example.be/import' }).message).toContain('without "ftp://"');
    expect(refusal({ ...base, host: 'acme@ftp.example.be' }).code).toBe('not-configured');
    expect(refusal({ host: 'h' }).message).toMatch(/^No user name is set/);
    expect(refusal({ ...base, port: 70_000 }).message).toContain('is not a port number');
    expect(refusal({ ...base, security: 'ssl' }).message).toContain('Choose explicit-tls');
    expect(refusal({ ...base, certFingerprint: 'AB:CD' }).message).toContain('is not a SHA-256 fingerprint');
    expect(refusal({ ...base, folder: '/import/../etc' }).message).toContain('may not contain ".."');
    expect(refusal({ ...base, pathTemplate: '/abs/[original_name]' }).code).toBe('invalid-path-template');
    expect(refusal({ ...base, timeoutSeconds: 0 }).message).toContain('from 1 to 600');
  });

  it('takes a fingerprint however it is pasted', () => {
    for (const pasted of [colons, hex, `SHA256:${hex}`, `sha256 Fingerprint=${colons}`, ` ${colons.toLowerCase()} `, hex.replace(/(..)/g, '$1 ')]) {
      expect(normalizeFingerprint(pasted), pasted).toBe(colons);
    }
    expect(normalizeFingerprint(hex.slice(2))).toBeNull();
    expect(normalizeFingerprint(`${hex.slice(2)}zz`)).toBeNull();
    expect(readSettings({ ...base, certFingerprint: hex }).certFingerprint).toBe(colons);
  });

  it('gives a server that limits its rate time to read what the sockets buffered, but not forever', () => {
    expect(drainAllowanceMs(0)).toBe(0);
    expect(drainAllowanceMs(64_000)).toBe(1_000);
    expect(drainAllowanceMs(1_000_000_000)).toBe(drainAllowanceMs(16 * 1024 * 1024));
    expect(drainAllowanceMs(1_000_000_000)).toBeLessThan(300_000);
  });
});
