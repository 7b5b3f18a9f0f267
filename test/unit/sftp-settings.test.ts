/**
 * The SFTP connector's pure parts: reading its settings (upload path, host key pins, algorithm
 * lists, limits) and classifying failures into the outbox's three classes with plain messages.
 * The behaviour against a real server is in test/integration/sftp*.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HOST_KEY_CHANGED_MESSAGE, connectFailure, operationFailure } from '../../src/main/connectors/sftp/errors.ts';
import { describeHostKey, hostKeyMatches, parseHostKeyPins, sha256Fingerprint } from '../../src/main/connectors/sftp/host-key.ts';
import { parseAlgorithms, parseUploadPath, readSettings, remoteUrl, type SftpSettings } from '../../src/main/connectors/sftp/settings.ts';

/** An SSH ed25519 public key blob: string "ssh-ed25519", string <32 bytes>. */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const length = (n: number) => Buffer.from([0, 0, 0, n]);
  return Buffer.concat([length(type.length), type, length(raw.length), raw]);
}

function settings(extra: Record<string, unknown> = {}): SftpSettings {
  const read = readSettings({ host: 'sftp.example.be', username: 'office', ...extra });
  if (!read.ok) throw new Error(read.problem);
  return read.settings;
}

describe('SFTP settings', () => {
  it('reads the upload path: a folder (default Invoice_import/), relative to the start folder unless it starts with /, with variables, or ending in a file name', () => {
    expect(parseUploadPath(null)).toEqual({ absolute: false, template: 'Invoice_import/[original_name]', folders: ['Invoice_import'], written: 'Invoice_import/' });
    expect(parseUploadPath('/upload/in')).toMatchObject({ absolute: true, template: 'upload/in/[original_name]' });
    expect(parseUploadPath('~/in\\[accounting_file_id]/')).toMatchObject({ absolute: false, template: 'in/[accounting_file_id]/[original_name]', folders: ['in', '[accounting_file_id]'] });
    expect(parseUploadPath('Import/[supplier]-[number].[extension]')).toMatchObject({ template: 'Import/[supplier]-[number].[extension]', folders: ['Import'] });
    expect(parseUploadPath('Import/[year]')).toMatchObject({ template: 'Import/[year]/[original_name]', folders: ['Import', '[year]'] });
    expect(parseUploadPath('/')).toMatchObject({ absolute: true, template: '[original_name]', folders: [] });
    expect(parseUploadPath('Import/[dossier]')).toMatch(/^The upload path "Import\/\[dossier\]" cannot be used: Unknown variable \[dossier\] in the upload path\. Known variables: /);
    expect(parseUploadPath('Import/../etc')).toMatch(/may not contain "\." or "\.\." folders/);
  });

  it('reads host key pins: SHA256 as OpenSSH prints it, the older MD5 form, or a public key line; several separated by commas', () => {
    const blob = ed25519Blob();
    const seen = describeHostKey(blob);
    expect(seen.type).toBe('ssh-ed25519');
    expect(seen.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(parseHostKeyPins(undefined)).toEqual({ ok: true, sha256: [], md5: [] });
    expect(parseHostKeyPins('  ')).toEqual({ ok: true, sha256: [], md5: [] });
    const forms = [seen.fingerprint, `${seen.fingerprint}=`, seen.md5.toUpperCase(), `ssh-ed25519 ${blob.toString('base64')} root@server`];
    for (const form of forms) {
      const pins = parseHostKeyPins(form);
      expect(pins.ok, form).toBe(true);
      if (pins.ok) expect(hostKeyMatches(pins, seen), form).toBe(true);
    }
    const other = describeHostKey(ed25519Blob());
    const both = parseHostKeyPins(`${other.fingerprint}, ${seen.fingerprint}\n`);
    expect(both.ok && hostKeyMatches(both, seen) && hostKeyMatches(both, other)).toBe(true);
    const onlyOther = parseHostKeyPins(other.fingerprint);
    expect(onlyOther.ok && hostKeyMatches(onlyOther, seen)).toBe(false);
    expect(parseHostKeyPins('SHA256:tooShort')).toMatchObject({ ok: false, problem: expect.stringMatching(/^The host key "SHA256:tooShort" is not a fingerprint Ledgerdrop can read\./) });
    expect(sha256Fingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
  });

  it('reads algorithm lists: a list replaces the defaults, "+" adds to them, "-" removes from them', () => {
    expect(parseAlgorithms(null)).toBeNull();
    expect(parseAlgorithms('curve25519-sha256, diffie-hellman-group14-sha256')).toEqual(['curve25519-sha256', 'diffie-hellman-group14-sha256']);
    expect(parseAlgorithms('+diffie-hellman-group14-sha1')).toEqual({ append: ['diffie-hellman-group14-sha1'] });
    expect(parseAlgorithms('-aes128-ctr,aes192-ctr')).toEqual({ remove: ['aes128-ctr', 'aes192-ctr'] });
    expect(settings({ kex: '+diffie-hellman-group14-sha1', ciphers: 'aes256-ctr' })).toMatchObject({ kex: { append: ['diffie-hellman-group14-sha1'] }, ciphers: ['aes256-ctr'] });
  });

  it('checks the server settings and says what to change', () => {
    expect(settings()).toMatchObject({ host: 'sftp.example.be', port: 22, username: 'office', connections: 4, kex: null, ciphers: null, hostKeys: { sha256: [], md5: [] } });
    expect(settings({ port: '2222', connections: 2 })).toMatchObject({ port: 2222, connections: 2 });
    const problem = (extra: Record<string, unknown>) => {
      const read = readSettings({ host: 'sftp.example.be', username: 'office', ...extra });
      return read.ok ? null : read.problem;
    };
    expect(problem({ host: '' })).toMatch(/^No server is set for this SFTP connection\./);
    expect(problem({ host: 'sftp://sftp.example.be/in' })).toMatch(/is not a host name\. Enter only the server's name or IP address/);
    expect(problem({ username: ' ' })).toMatch(/^No user name is set/);
    expect(problem({ port: 70000 })).toMatch(/^The port "70000" is not a port number \(1–65535\)/);
    expect(problem({ connections: 0 })).toMatch(/^The connection limit "0" must be a whole number from 1 to 16\./);
    expect(problem({ hostKey: 'not a key' })).toMatch(/is not a fingerprint Ledgerdrop can read/);
  });

  it('writes where a file went as sftp://user@host[:port]/path', () => {
    expect(remoteUrl(settings(), '/home/office/Invoice_import/a.xml')).toBe('sftp://office@sftp.example.be/home/office/Invoice_import/a.xml');
    expect(remoteUrl(settings({ host: '2001:db8::5', port: 2222 }), '/in/a.xml')).toBe('sftp://office@[2001:db8::5]:2222/in/a.xml');
  });
});

describe('SFTP failures', () => {
  const pinned = settings({ hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  const seen = describeHostKey(ed25519Blob());
  const connect = (error: unknown, refusal: Parameters<typeof connectFailure>[2]['refusal'] = null) => connectFailure(error, pinned, { refusal, seen, secret: 'password' });
  const withLevel = (message: string, level: string, code?: string) => Object.assign(new Error(message), { level, code });

  it('connecting: host key and sign-in problems stop the connection; network trouble is retried', () => {
    const changed = connect(withLevel('Host denied (verification failed)', 'handshake'), 'changed');
    expect(changed).toMatchObject({ failure: 'fatal-connection', code: 'host-key-changed', seenHostKey: seen });
    expect(changed.message.startsWith(`${HOST_KEY_CHANGED_MESSAGE}. Expected: SHA256:AAAA`)).toBe(true);
    expect(changed.message).toContain(`now shows ${seen.fingerprint} (ssh-ed25519)`);
    expect(connect(withLevel('Host denied (verification failed)', 'handshake'), 'not-confirmed')).toMatchObject({ failure: 'fatal-connection', code: 'host-key-not-confirmed' });
    expect(connect(withLevel('All configured authentication methods failed', 'client-authentication'))).toMatchObject({ failure: 'fatal-connection', code: 'auth-failed' });
    expect(connect(new Error('Cannot parse privateKey: Encrypted private OpenSSH key detected, but no passphrase given'))).toMatchObject({
      failure: 'fatal-connection',
      code: 'private-key-invalid',
      message: expect.stringContaining('(Encrypted private OpenSSH key detected, but no passphrase given)'),
    });
    expect(connect(withLevel('Handshake failed: no matching C->S cipher', 'handshake'))).toMatchObject({ failure: 'fatal-connection', code: 'algorithms-mismatch', message: expect.stringContaining('have no cipher in common') });
    expect(connect(new Error('Unsupported algorithm: rot13'))).toMatchObject({ failure: 'fatal-connection', code: 'invalid-algorithms' });
    expect(connect(withLevel('connect ECONNREFUSED 10.0.0.1:22', 'client-socket', 'ECONNREFUSED'))).toMatchObject({ failure: 'retry', code: 'server-refused' });
    expect(connect(withLevel('getaddrinfo ENOTFOUND sftp.example.be', 'client-dns', 'ENOTFOUND'))).toMatchObject({ failure: 'retry', code: 'host-not-found' });
    expect(connect(withLevel('Timed out while waiting for handshake', 'client-timeout'))).toMatchObject({ failure: 'retry', code: 'server-timeout' });
    expect(connect(new Error('Connection lost before handshake'))).toMatchObject({ failure: 'retry', code: 'connection-failed' });
  });

  it('file operations: the SFTP status decides (permission → fix it, failure → try again, lost → try again)', () => {
    const op = (code: number | undefined, message: string) => operationFailure(Object.assign(new Error(message), { code }), pinned, 'write in /in', '/in');
    expect(op(3, 'Permission denied')).toMatchObject({ failure: 'no-retry', code: 'permission-denied', message: expect.stringContaining('give this account write access to /in') });
    expect(op(4, 'Failure')).toMatchObject({ failure: 'retry', code: 'write-failed', message: expect.stringContaining('full disk or a used-up quota') });
    expect(op(2, 'No such file')).toMatchObject({ failure: 'retry', code: 'destination-missing' });
    expect(op(5, 'Bad message')).toMatchObject({ failure: 'no-retry', code: 'invalid-name' });
    expect(op(8, 'Operation unsupported')).toMatchObject({ failure: 'no-retry', code: 'unsupported' });
    expect(op(undefined, 'No response from server')).toMatchObject({ failure: 'retry', code: 'connection-lost' });
    expect(op(undefined, 'something odd')).toMatchObject({ failure: 'retry', code: 'sftp-error' });
  });
});

describe('config apply checks SFTP settings up front', () => {
  it('names an unreadable host key, and passes a fingerprint as OpenSSH prints it', async () => {
    const { sftpConnector } = await import('../../src/main/connectors/sftp/index.ts');
    expect(sftpConnector.checkSettings!({ host: 'sftp.example.be', username: 'acme', hostKey: 'not a key' })).toEqual([{ key: 'hostKey', problem: expect.stringMatching(/is not a fingerprint/) as unknown as string }]);
    expect(sftpConnector.checkSettings!({ host: 'sftp.example.be', username: 'acme', hostKey: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' })).toEqual([]);
    expect(sftpConnector.checkSettings!({ host: 'sftp://x', username: 'acme' })[0]!.problem).toMatch(/is not a host name/);
  });
});
