/** Navigation, external links and the app:// file server's path guard (src/main/electron/url-policy.ts). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  contentTypeFor,
  hasAllowedOrigin,
  isAllowedExternalUrl,
  originOf,
  resolveAppFile,
  responseHeaders,
} from '../../src/main/electron/url-policy.ts';

const root = resolve('/opt/ledgerdrop/out/renderer');

describe('origins', () => {
  it('gives app:// URLs the origin Chromium gives a standard scheme', () => {
    expect(originOf('app://ledgerdrop/index.html')).toBe(APP_ORIGIN);
    expect(originOf('app://ledgerdrop/assets/x.js?y#z')).toBe(APP_ORIGIN);
    expect(originOf('https://www.dropbox.com/oauth2')).toBe('https://www.dropbox.com');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('data:text/html,hi')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
  });

  it('keeps navigation on our origin only', () => {
    expect(hasAllowedOrigin('app://ledgerdrop/settings', [APP_ORIGIN])).toBe(true);
    expect(hasAllowedOrigin('app://ledgerdrop.attacker.com/', [APP_ORIGIN])).toBe(false);
    expect(hasAllowedOrigin('https://example.com/app://ledgerdrop', [APP_ORIGIN])).toBe(false);
  });
});

describe('external links', () => {
  it('opens only https links to allow-listed hosts', () => {
    expect(isAllowedExternalUrl('https://www.dropbox.com/oauth2/authorize?x=1')).toBe(true);
    expect(isAllowedExternalUrl('http://www.dropbox.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://www.dropbox.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/?https://www.dropbox.com')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@www.dropbox.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://www.dropbox.com:8443/')).toBe(false);
    expect(isAllowedExternalUrl('file:///C:/Windows/System32/calc.exe')).toBe(false);
    expect(isAllowedExternalUrl('smb://attacker/share/x.exe')).toBe(false);
    expect(isAllowedExternalUrl('ms-msdt:/id PCWDiagnostic')).toBe(false);
    expect(isAllowedExternalUrl('https://docs.example/', ['docs.example'])).toBe(true);
  });
});

describe('app:// file server', () => {
  it('serves files under the renderer folder, and index.html for /', () => {
    expect(resolveAppFile(root, 'app://ledgerdrop/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://ledgerdrop/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://ledgerdrop/assets/index-abc.js?v=1#x')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAppFile(root, 'app://ledgerdrop/assets/my%20file.css')).toBe(join(root, 'assets', 'my file.css'));
  });

  it('keeps dot segments inside the folder (the URL parser resolves them, escaped or not)', () => {
    expect(resolveAppFile(root, 'app://ledgerdrop/../main/index.js')).toBe(join(root, 'main', 'index.js'));
    expect(resolveAppFile(root, 'app://ledgerdrop/assets/../../../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppFile(root, 'app://ledgerdrop/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
  });

  it('refuses paths whose escaped slashes would leave the folder', () => {
    for (const url of [
      'app://ledgerdrop/assets/%2E%2E%2F%2E%2E%2Fmain%2Findex.js',
      'app://ledgerdrop/..%2F..%2Fpackage.json',
      'app://ledgerdrop/..%5C..%5Cpackage.json',
      'app://ledgerdrop/%00index.html',
      'app://ledgerdrop/%E0%A4%A', // a broken escape
    ]) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'file:///opt/ledgerdrop/out/renderer/index.html')).toBeNull();
    expect(resolveAppFile(root, 'http://127.0.0.1:8080/index.html', 'http://127.0.0.1:8080')).toBe(join(root, 'index.html'));
  });

  it('sends the CSP and a content type with every file', () => {
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/a.bin')).toBe('application/octet-stream');
    expect(responseHeaders('/x/a.css')).toMatchObject({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
  });

  it('has the same policy in index.html as in the header (minus frame-ancestors, which a meta tag cannot carry)', () => {
    const html = readFileSync(resolve(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
});
