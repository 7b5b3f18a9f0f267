/**
 * Where the window may be, what it may open, and which file `app://ledgerdrop/…` serves.
 * Pure functions without `electron`, so test/unit/desktop-url-policy.test.ts and the browser test's
 * static server use exactly the rules the shell uses.
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ledgerdrop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Sent as a header with every `app://` response (src/renderer/index.html repeats it, minus frame-ancestors, as a meta tag). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The only hosts a link in the UI may open in the system browser (https, exact host, default port).
 * Add the help site here when it exists; sign-in flows are started by the shell, not by links.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['www.dropbox.com', 'login.microsoftonline.com', 'accounts.google.com'];

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The origin of a URL, or null when it has none we trust. Node's URL gives `"null"` as the origin
 * of non-special schemes such as `app:`, so for those the origin is built from scheme and host, the
 * way Chromium does for a scheme registered as standard.
 */
export function originOf(url: string): string | null {
  const parsed = parse(url);
  if (!parsed) return null;
  if (parsed.origin !== 'null') return parsed.origin;
  if (parsed.protocol === 'file:' || parsed.protocol === 'data:' || parsed.protocol === 'blob:' || !parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/** Whether `url` belongs to one of `origins` (compared as whole origins, never as string prefixes). */
export function hasAllowedOrigin(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/** Whether a link may be handed to the system browser: https, an allow-listed host, no credentials, default port. */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  return parsed.protocol === 'https:' && parsed.port === '' && parsed.username === '' && parsed.password === '' && hosts.includes(parsed.hostname);
}

/**
 * The file under `root` that a request for `url` may read, or null (wrong scheme or host, bad
 * escapes, or a path that would leave `root`). `/` serves index.html.
 */
export function resolveAppFile(root: string, url: string, origin: string = APP_ORIGIN): string | null {
  const parsed = parse(url);
  if (!parsed || originOf(url) !== origin) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path.startsWith('/') ? path : `/${path}`}`);
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return null;
  return file;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The headers every UI response carries. */
export function responseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeFor(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}
