/**
 * A faithful local Dropbox for tests: the endpoints Ledgerdrop uses, with Dropbox's documented
 * hosts, headers, JSON shapes and error bodies (../shared/facts/connectors.md §1; the generated
 * types of the official SDK, node_modules/dropbox/types/dropbox_types.d.ts).
 *
 * Three loopback listeners stand for the three hosts, so a request sent to the wrong host fails as
 * it would for real — point the vendor origins at them with `fake.testEndpoints`
 * (LEDGERDROP_TEST_ENDPOINTS):
 *   www.dropbox.com          GET  /oauth2/authorize            (a consenting user: 302 to redirect_uri)
 *   api.dropboxapi.com       POST /oauth2/token                (code + PKCE, refresh_token)
 *                            POST /2/files/get_metadata        (RPC: JSON body)
 *   content.dropboxapi.com   POST /2/files/upload              (content-upload: args in Dropbox-API-Arg)
 *                            POST /2/files/upload_session/start | append_v2 | finish
 *                            POST /2/files/download            (result in Dropbox-API-Result; used by the SDK cross-check)
 *
 * Behaviour kept from the real service:
 * - Dropbox-API-Arg must be ASCII JSON (non-ASCII escaped as \uXXXX), else 400 text;
 *   Content-Type must be application/octet-stream (content routes) or application/json (RPC).
 * - Auth: missing header → 400 text; unknown/revoked token → 401
 *   `{"error_summary":"invalid_access_token/..","error":{".tag":"invalid_access_token"}}`; expired →
 *   401 expired_access_token; a token without the route's scope → 401 missing_scope.
 * - Endpoint errors → 409 `{"error_summary": "<tags>/<1–3 dots>", "error": {...}}` (the dots vary,
 *   as Dropbox's do, so clients must not parse the summary literally).
 * - Paths are case-insensitive (path_lower) and case-preserving (path_display); folders appear
 *   with the first file below them.
 * - Write modes (WriteMode doc): identical contents at the path → nothing written, no conflict;
 *   `add` with different contents → path/conflict/file (or "name (1).ext" with autorename);
 *   a folder at the path → conflict/folder; a file where a folder is needed → conflict/file_ancestor.
 * - content_hash (4 MiB blocks) verified on upload, start, append_v2 and finish (per call's data).
 * - files/upload and each session call take at most 150 MiB (else payload_too_large);
 *   append_v2/finish check the cursor offset (incorrect_offset + correct_offset).
 * - 429 with Retry-After (seconds) and a JSON RateLimitError or a plain-text body.
 *
 * Faults are programmed per route with `fault()`; everything received is in `requests`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthAuthority, readBody } from './oauth.ts';

export const DROPBOX_TEST_APP_KEY = 'ldtestappkey01';
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;
const BLOCK = 4 * 1024 * 1024;

export type DropboxHost = 'www' | 'api' | 'content';

export interface DropboxFakeOptions {
  appKey?: string;
  /** Registered redirect URIs (exact match, as Dropbox does). */
  redirectUris?: readonly string[];
  /** Scopes enabled for the app in the App Console. */
  scopes?: readonly string[];
  accessTokenLifetimeSeconds?: number;
  /** Space in the account; a write beyond it fails with path/insufficient_space. */
  quotaBytes?: number;
}

export interface StoredFile {
  pathDisplay: string;
  bytes: Buffer;
  rev: string;
  id: string;
  contentHash: string;
  serverModified: string;
  clientModified: string;
}

export interface RecordedRequest {
  host: DropboxHost;
  method: string;
  path: string;
  route: string;
  headers: IncomingHttpHeaders;
  /** The raw Dropbox-API-Arg header, as received. */
  argHeader: string | null;
  arg: unknown;
  bodyLength: number;
  status: number;
  at: number;
}

export type DropboxFault = { route: string; times?: number } & (
  | { kind: 'rate-limit'; retryAfter?: number | null; body: 'json' | 'text'; reason?: 'too_many_requests' | 'too_many_write_operations' }
  | { kind: 'expired-token' }
  | { kind: 'invalid-token' }
  /** The request is carried out, then the connection is cut before the answer (a lost response). */
  | { kind: 'drop-response' }
  | { kind: 'server-error'; status?: number }
);

/** Dropbox's content hash: SHA-256 over the concatenated SHA-256 digests of 4 MiB blocks. */
export function dropboxContentHash(bytes: Uint8Array): string {
  const overall = createHash('sha256');
  for (let offset = 0; offset < bytes.length; offset += BLOCK) overall.update(createHash('sha256').update(bytes.subarray(offset, offset + BLOCK)).digest());
  return overall.digest('hex');
}

/** JSON for an HTTP header, every character from U+007F escaped (the SDK's httpHeaderSafeJson). */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ROUTES: Record<string, { host: DropboxHost; style: 'upload' | 'rpc' | 'download'; scope: string }> = {
  'files/upload': { host: 'content', style: 'upload', scope: 'files.content.write' },
  'files/upload_session/start': { host: 'content', style: 'upload', scope: 'files.content.write' },
  'files/upload_session/append_v2': { host: 'content', style: 'upload', scope: 'files.content.write' },
  'files/upload_session/finish': { host: 'content', style: 'upload', scope: 'files.content.write' },
  'files/download': { host: 'content', style: 'download', scope: 'files.content.read' },
  'files/get_metadata': { host: 'api', style: 'rpc', scope: 'files.metadata.read' },
};

const DISALLOWED_NAMES = new Set(['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r', '.dropbox', '.dropbox.attr']);

interface Session {
  chunks: Buffer[];
  size: number;
  closed: boolean;
}

type Outcome =
  | { status: 200; json: unknown; headers?: Record<string, string>; raw?: Buffer }
  | { status: 409; tags: readonly string[]; error: Record<string, unknown> }
  | { status: 400; text: string };

type WriteError = { tags: string[]; error: Record<string, unknown> };

interface CommitInfo {
  path: string;
  mode: { tag: 'add' | 'overwrite' | 'update'; rev?: string };
  autorename: boolean;
  clientModified: string | null;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function parentOf(lower: string): string {
  return lower.slice(0, lower.lastIndexOf('/'));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export class DropboxFake {
  readonly appKey: string;
  readonly oauth: OAuthAuthority;
  readonly requests: RecordedRequest[] = [];
  /** Files by path_lower. */
  readonly files = new Map<string, StoredFile>();
  /** Folders by path_lower → path_display. */
  readonly folders = new Map<string, string>();
  readonly sessions = new Map<string, Session>();
  private readonly faults: DropboxFault[] = [];
  private readonly servers = new Map<DropboxHost, Server>();
  private readonly origins = new Map<DropboxHost, string>();
  private revCounter = 0x5a1000000;
  quotaBytes: number;

  constructor(options: DropboxFakeOptions = {}) {
    this.appKey = options.appKey ?? DROPBOX_TEST_APP_KEY;
    this.quotaBytes = options.quotaBytes ?? Number.POSITIVE_INFINITY;
    this.oauth = new OAuthAuthority({
      name: 'Dropbox (test double)',
      clients: [{ clientId: this.appKey, redirectUris: options.redirectUris ?? [], scopes: options.scopes ?? ['files.metadata.read', 'files.content.write', 'files.content.read'] }],
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 14400,
      wantsRefreshToken: (params) => params.get('token_access_type') === 'offline',
      extraTokenFields: { uid: '12345678', account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc' },
    });
  }

  /** Starts the three listeners. */
  async start(): Promise<this> {
    for (const host of ['www', 'api', 'content'] as const) {
      const server = createServer((req, res) => void this.handle(host, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.set(host, server);
      this.origins.set(host, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    return this;
  }

  /** The LEDGERDROP_TEST_ENDPOINTS mapping of the three Dropbox origins to this fake. */
  get testEndpoints(): Record<string, string> {
    return {
      'https://www.dropbox.com': this.origins.get('www')!,
      'https://api.dropboxapi.com': this.origins.get('api')!,
      'https://content.dropboxapi.com': this.origins.get('content')!,
    };
  }

  origin(host: DropboxHost): string {
    return this.origins.get(host)!;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  /** Programs a fault for the next `times` (default 1; Infinity: always) calls of `route`. */
  fault(fault: DropboxFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Forgets the faults not yet used up. */
  clearFaults(): void {
    this.faults.splice(0);
  }

  /** A file by path (case-insensitive). */
  file(path: string): StoredFile | undefined {
    return this.files.get(path.toLowerCase());
  }

  /** Every file's path_display, sorted. */
  paths(): string[] {
    return [...this.files.values()].map((f) => f.pathDisplay).sort();
  }

  /** Puts a file in the account, as if someone had uploaded it before. */
  seed(path: string, bytes: Uint8Array): StoredFile {
    const result = this.commit({ path, mode: { tag: 'overwrite' }, autorename: false, clientModified: null }, Buffer.from(bytes));
    if ('tags' in result) throw new Error(`cannot seed ${path}: ${result.tags.join('/')}`);
    return this.file(path)!;
  }

  /** Requests for one route (e.g. 'files/upload'). */
  calls(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  // -------------------------------------------------------------------------------------------

  private takeFault(route: string): DropboxFault | null {
    const index = this.faults.findIndex((f) => f.route === route && (f.times ?? 1) > 0);
    if (index === -1) return null;
    const fault = this.faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async handle(host: DropboxHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const record: RecordedRequest = {
      host,
      method: req.method ?? '',
      path: url.pathname,
      route: url.pathname.replace(/^\/2\//, ''),
      headers: req.headers,
      argHeader: typeof req.headers['dropbox-api-arg'] === 'string' ? req.headers['dropbox-api-arg'] : null,
      arg: null,
      bodyLength: body.length,
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));

    if (host === 'www') {
      if (req.method === 'GET' && url.pathname === '/oauth2/authorize') return this.oauth.authorize(url, res);
      return this.text(res, 404, 'Not found');
    }
    if (host === 'api' && url.pathname === '/oauth2/token') return this.oauth.token(req, body, res);
    if (!url.pathname.startsWith('/2/')) return this.text(res, 404, 'Not found');

    const route = record.route;
    const spec = ROUTES[route];
    if (!spec) return this.text(res, 400, `Unknown API function: "${route}"`);
    if (spec.host !== host) return this.text(res, 400, `Error in call to API function "${route}": This function is only available on ${spec.host}.dropboxapi.com.`);
    if (req.method !== 'POST') return this.text(res, 400, `Error in call to API function "${route}": Expected POST.`);

    // Authentication.
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer (.+)$/.exec(auth)?.[1];
    if (!bearer) return this.text(res, 400, `Error in call to API function "${route}": Must provide HTTP header "Authorization" or URL parameter "authorization".`);
    const early = this.takeFault(route);
    if (early?.kind === 'expired-token') return this.authError(res, 'expired_access_token');
    if (early?.kind === 'invalid-token') return this.authError(res, 'invalid_access_token');
    const checked = this.oauth.check(bearer);
    if (!checked.ok) return this.authError(res, checked.reason);
    if (!checked.record.scopes.includes(spec.scope)) {
      return this.json(res, 401, { error_summary: this.summary(['missing_scope']), error: { '.tag': 'missing_scope', required_scope: spec.scope } });
    }

    // Arguments.
    let arg: unknown;
    if (spec.style === 'rpc') {
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json(;\s*charset=utf-8)?$/i.test(type)) {
        return this.text(res, 400, `Error in call to API function "${route}": Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/json", "application/json; charset=utf-8", "text/plain; charset=dropbox-cors-hack".`);
      }
      try {
        arg = JSON.parse(body.toString('utf8'));
      } catch {
        return this.text(res, 400, `Error in call to API function "${route}": request body: could not decode input as JSON`);
      }
    } else {
      const raw = record.argHeader ?? url.searchParams.get('arg');
      if (raw === null) return this.text(res, 400, `Error in call to API function "${route}": Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".`);
      // Header values arrive as bytes; anything beyond printable ASCII was not escaped by the client.
      if (record.argHeader !== null && /[^\x20-\x7e]/.test(raw)) {
        return this.text(res, 400, `Error in call to API function "${route}": HTTP header "Dropbox-API-Arg": could not decode input as JSON`);
      }
      try {
        arg = JSON.parse(raw);
      } catch {
        return this.text(res, 400, `Error in call to API function "${route}": HTTP header "Dropbox-API-Arg": could not decode input as JSON`);
      }
      if (spec.style === 'upload') {
        const type = String(req.headers['content-type'] ?? '');
        if (!/^(application\/octet-stream|text\/plain; charset=dropbox-cors-hack)$/i.test(type)) {
          return this.text(res, 400, `Error in call to API function "${route}": Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`);
        }
      }
    }
    record.arg = arg;

    const fault = early ?? this.takeFault(route);
    if (fault?.kind === 'rate-limit') {
      const reason = fault.reason ?? 'too_many_requests';
      const retryAfter = fault.retryAfter === undefined ? 1 : fault.retryAfter;
      const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
      if (fault.body === 'text') {
        res.writeHead(429, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Too Many Requests');
        return;
      }
      res.writeHead(429, { ...headers, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_summary: this.summary([reason]), error: { reason: { '.tag': reason }, ...(retryAfter === null ? {} : { retry_after: retryAfter }) } }));
      return;
    }
    if (fault?.kind === 'server-error') return this.text(res, fault.status ?? 503, 'Service Unavailable');

    if (typeof arg !== 'object' || arg === null) return this.text(res, 400, `Error in call to API function "${route}": the argument must be a JSON object`);
    const outcome = this.route(route, arg as Record<string, unknown>, body);
    if (fault?.kind === 'drop-response') {
      req.socket.destroy();
      return;
    }
    if (outcome.status === 400) return this.text(res, 400, `Error in call to API function "${route}": ${outcome.text}`);
    if (outcome.status === 409) return this.json(res, 409, { error_summary: this.summary(outcome.tags), error: outcome.error });
    if (outcome.raw) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...outcome.headers });
      res.end(outcome.raw);
      return;
    }
    return this.json(res, 200, outcome.json);
  }

  private summary(tags: readonly string[]): string {
    return `${tags.join('/')}/${'.'.repeat(1 + (randomBytes(1)[0]! % 3))}`;
  }

  private text(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  }

  private authError(res: ServerResponse, tag: string): void {
    this.json(res, 401, { error_summary: this.summary([tag]), error: { '.tag': tag } });
  }

  private route(route: string, arg: Record<string, unknown>, body: Buffer): Outcome {
    switch (route) {
      case 'files/upload':
        return this.upload(arg, body);
      case 'files/upload_session/start':
        return this.sessionStart(arg, body);
      case 'files/upload_session/append_v2':
        return this.sessionAppend(arg, body);
      case 'files/upload_session/finish':
        return this.sessionFinish(arg, body);
      case 'files/get_metadata':
        return this.getMetadata(arg);
      case 'files/download':
        return this.download(arg);
      default:
        return { status: 400, text: 'unknown route' };
    }
  }

  // ---- arguments -------------------------------------------------------------------------------

  private commitInfo(arg: Record<string, unknown>): CommitInfo | string {
    const path = arg.path;
    if (typeof path !== 'string') return 'path: missing required field';
    if (!/^(\/(.|[\r\n])*|ns:[0-9]+(\/.*)?|id:.*)$/.test(path)) return `path: '${path}' did not match pattern '(/(.|[\\r\\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)'`;
    const rawMode = arg.mode ?? 'add';
    const tag = typeof rawMode === 'string' ? rawMode : (rawMode as { '.tag'?: unknown })['.tag'];
    if (tag !== 'add' && tag !== 'overwrite' && tag !== 'update') return `mode: unknown tag '${String(tag)}'`;
    if (tag === 'update' && typeof rawMode === 'string') return 'mode: tag update requires a value';
    for (const flag of ['autorename', 'mute', 'strict_conflict'] as const) {
      if (arg[flag] !== undefined && typeof arg[flag] !== 'boolean') return `${flag}: expected boolean`;
    }
    const clientModified = typeof arg.client_modified === 'string' ? arg.client_modified : null;
    if (clientModified !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(clientModified)) return `client_modified: '${clientModified}' is not a timestamp`;
    return { path, mode: { tag, ...(tag === 'update' ? { rev: String((rawMode as { update?: unknown }).update) } : {}) }, autorename: arg.autorename === true, clientModified };
  }

  private contentHashProblem(arg: Record<string, unknown>, data: Buffer): 'bad' | 'mismatch' | null {
    if (arg.content_hash === undefined) return null;
    if (typeof arg.content_hash !== 'string' || !/^[0-9a-f]{64}$/.test(arg.content_hash)) return 'bad';
    return arg.content_hash === dropboxContentHash(data) ? null : 'mismatch';
  }

  // ---- the file tree -------------------------------------------------------------------------

  private metadata(file: StoredFile): Record<string, unknown> {
    return {
      name: baseName(file.pathDisplay),
      path_lower: file.pathDisplay.toLowerCase(),
      path_display: file.pathDisplay,
      id: file.id,
      client_modified: file.clientModified,
      server_modified: file.serverModified,
      rev: file.rev,
      size: file.bytes.length,
      is_downloadable: true,
      content_hash: file.contentHash,
    };
  }

  private pathProblem(path: string): WriteError | null {
    const parts = path.split('/').slice(1);
    if (path === '/' || parts.some((p) => p === '' || p === '.' || p === '..')) return { tags: ['malformed_path'], error: { '.tag': 'malformed_path' } };
    // eslint-disable-next-line no-control-regex
    if (parts.some((p) => DISALLOWED_NAMES.has(p.toLowerCase()) || /[\u0000-\u001f]/.test(p))) return { tags: ['disallowed_name'], error: { '.tag': 'disallowed_name' } };
    return null;
  }

  /** Writes `bytes` at `info.path` following the write-mode rules, or says why not. */
  private commit(info: CommitInfo, bytes: Buffer): { metadata: Record<string, unknown> } | WriteError {
    const problem = this.pathProblem(info.path);
    if (problem) return problem;
    const lower = info.path.toLowerCase();
    // Every ancestor must be a folder (or nothing yet).
    for (let parent = parentOf(lower); parent !== ''; parent = parentOf(parent)) {
      if (this.files.has(parent)) return { tags: ['conflict', 'file_ancestor'], error: { '.tag': 'conflict', conflict: { '.tag': 'file_ancestor' } } };
    }
    if (this.folders.has(lower)) return { tags: ['conflict', 'folder'], error: { '.tag': 'conflict', conflict: { '.tag': 'folder' } } };

    const hash = dropboxContentHash(bytes);
    let target = info.path;
    const existing = this.files.get(lower);
    if (existing) {
      if (existing.contentHash === hash) return { metadata: this.metadata(existing) }; // identical contents: nothing written, no conflict
      const replace = info.mode.tag === 'overwrite' || (info.mode.tag === 'update' && info.mode.rev === existing.rev);
      if (!replace) {
        if (!info.autorename) return { tags: ['conflict', 'file'], error: { '.tag': 'conflict', conflict: { '.tag': 'file' } } };
        const dot = info.path.lastIndexOf('.');
        const slash = info.path.lastIndexOf('/');
        const [stem, ext] = dot > slash + 1 ? [info.path.slice(0, dot), info.path.slice(dot)] : [info.path, ''];
        for (let n = 1; ; n++) {
          target = `${stem} (${n})${ext}`;
          const other = this.files.get(target.toLowerCase());
          if (!other) break;
          if (other.contentHash === hash) return { metadata: this.metadata(other) };
        }
      }
    }

    const used = [...this.files.entries()].reduce((sum, [key, f]) => (key === target.toLowerCase() ? sum : sum + f.bytes.length), 0);
    if (used + bytes.length > this.quotaBytes) return { tags: ['insufficient_space'], error: { '.tag': 'insufficient_space' } };

    // Folders keep the case they were created with.
    const segments = target.split('/').slice(1);
    let display = '';
    for (const segment of segments.slice(0, -1)) {
      const candidate = `${display}/${segment}`;
      const known = this.folders.get(candidate.toLowerCase());
      display = known ?? candidate;
      if (!known) this.folders.set(candidate.toLowerCase(), candidate);
    }
    const pathDisplay = `${display}/${segments.at(-1)}`;
    const now = Date.now();
    const previous = this.files.get(target.toLowerCase());
    const file: StoredFile = {
      pathDisplay: previous && previous.pathDisplay.toLowerCase() === pathDisplay.toLowerCase() ? previous.pathDisplay : pathDisplay,
      bytes,
      rev: (this.revCounter++).toString(16).padStart(12, '0'),
      id: previous?.id ?? `id:${randomBytes(11).toString('base64url')}`,
      contentHash: hash,
      serverModified: iso(now),
      clientModified: info.clientModified ?? iso(now),
    };
    this.files.set(target.toLowerCase(), file);
    return { metadata: this.metadata(file) };
  }

  // ---- routes ------------------------------------------------------------------------------

  private upload(arg: Record<string, unknown>, body: Buffer): Outcome {
    const info = this.commitInfo(arg);
    if (typeof info === 'string') return { status: 400, text: `HTTP header "Dropbox-API-Arg": ${info}` };
    if (body.length > MAX_REQUEST_BYTES) return { status: 409, tags: ['payload_too_large'], error: { '.tag': 'payload_too_large' } };
    const hash = this.contentHashProblem(arg, body);
    if (hash === 'bad') return { status: 400, text: 'HTTP header "Dropbox-API-Arg": content_hash: not a SHA-256 hex hash' };
    if (hash === 'mismatch') return { status: 409, tags: ['content_hash_mismatch'], error: { '.tag': 'content_hash_mismatch' } };
    const result = this.commit(info, body);
    if ('tags' in result) return { status: 409, tags: ['path', ...result.tags], error: { '.tag': 'path', reason: result.error, upload_session_id: `pid_upload_session:${randomBytes(12).toString('base64url')}` } };
    return { status: 200, json: result.metadata };
  }

  private sessionStart(arg: Record<string, unknown>, body: Buffer): Outcome {
    if (arg.session_type !== undefined && (arg.session_type as { '.tag'?: string })['.tag'] !== 'sequential' && arg.session_type !== 'sequential') {
      return { status: 400, text: 'this test double only runs sequential upload sessions' };
    }
    if (body.length > MAX_REQUEST_BYTES) return { status: 409, tags: ['payload_too_large'], error: { '.tag': 'payload_too_large' } };
    const hash = this.contentHashProblem(arg, body);
    if (hash === 'bad') return { status: 400, text: 'content_hash: not a SHA-256 hex hash' };
    if (hash === 'mismatch') return { status: 409, tags: ['content_hash_mismatch'], error: { '.tag': 'content_hash_mismatch' } };
    const id = `pid_upload_session:${randomBytes(18).toString('base64url')}`;
    this.sessions.set(id, { chunks: [body], size: body.length, closed: arg.close === true });
    return { status: 200, json: { session_id: id } };
  }

  /** The session of a cursor, or the UploadSessionLookupError. */
  private lookup(cursor: unknown): { session: Session; offset: number } | { tags: string[]; error: Record<string, unknown> } | string {
    if (typeof cursor !== 'object' || cursor === null) return 'cursor: missing required field';
    const { session_id: id, offset } = cursor as { session_id?: unknown; offset?: unknown };
    if (typeof id !== 'string' || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return 'cursor: session_id and offset are required';
    const session = this.sessions.get(id);
    if (!session) return { tags: ['not_found'], error: { '.tag': 'not_found' } };
    if (offset !== session.size) return { tags: ['incorrect_offset'], error: { '.tag': 'incorrect_offset', correct_offset: session.size } };
    return { session, offset };
  }

  private sessionAppend(arg: Record<string, unknown>, body: Buffer): Outcome {
    const found = this.lookup(arg.cursor);
    if (typeof found === 'string') return { status: 400, text: found };
    if ('tags' in found) return { status: 409, tags: found.tags, error: found.error };
    if (found.session.closed) return { status: 409, tags: ['closed'], error: { '.tag': 'closed' } };
    if (body.length > MAX_REQUEST_BYTES) return { status: 409, tags: ['payload_too_large'], error: { '.tag': 'payload_too_large' } };
    const hash = this.contentHashProblem(arg, body);
    if (hash === 'bad') return { status: 400, text: 'content_hash: not a SHA-256 hex hash' };
    if (hash === 'mismatch') return { status: 409, tags: ['content_hash_mismatch'], error: { '.tag': 'content_hash_mismatch' } };
    found.session.chunks.push(body);
    found.session.size += body.length;
    if (arg.close === true) found.session.closed = true;
    return { status: 200, json: null };
  }

  private sessionFinish(arg: Record<string, unknown>, body: Buffer): Outcome {
    const info = this.commitInfo((arg.commit ?? {}) as Record<string, unknown>);
    if (typeof info === 'string') return { status: 400, text: `commit.${info}` };
    const found = this.lookup(arg.cursor);
    if (typeof found === 'string') return { status: 400, text: found };
    if ('tags' in found) return { status: 409, tags: ['lookup_failed', ...found.tags], error: { '.tag': 'lookup_failed', lookup_failed: found.error } };
    if (body.length > MAX_REQUEST_BYTES) return { status: 409, tags: ['payload_too_large'], error: { '.tag': 'payload_too_large' } };
    const hash = this.contentHashProblem(arg, body);
    if (hash === 'bad') return { status: 400, text: 'content_hash: not a SHA-256 hex hash' };
    if (hash === 'mismatch') return { status: 409, tags: ['content_hash_mismatch'], error: { '.tag': 'content_hash_mismatch' } };
    const session = found.session;
    if (body.length > 0) {
      session.chunks.push(body);
      session.size += body.length;
    }
    const result = this.commit(info, Buffer.concat(session.chunks));
    if ('tags' in result) return { status: 409, tags: ['path', ...result.tags], error: { '.tag': 'path', path: result.error } };
    const id = (arg.cursor as { session_id: string }).session_id;
    this.sessions.delete(id);
    return { status: 200, json: result.metadata };
  }

  private getMetadata(arg: Record<string, unknown>): Outcome {
    const path = arg.path;
    if (typeof path !== 'string') return { status: 400, text: 'request body: path: missing required field' };
    if (path === '') return { status: 400, text: 'request body: path: The root folder is unsupported.' };
    if (!/^(\/(.|[\r\n])*|id:.*|rev:.*|ns:[0-9]+(\/.*)?)$/.test(path)) return { status: 400, text: `request body: path: '${path}' did not match pattern` };
    const lower = path.toLowerCase();
    const file = this.files.get(lower);
    if (file) return { status: 200, json: { '.tag': 'file', ...this.metadata(file) } };
    const folder = this.folders.get(lower);
    if (folder) return { status: 200, json: { '.tag': 'folder', name: baseName(folder), path_lower: lower, path_display: folder, id: `id:folder-${createHash('sha1').update(lower).digest('base64url').slice(0, 12)}` } };
    return { status: 409, tags: ['path', 'not_found'], error: { '.tag': 'path', path: { '.tag': 'not_found' } } };
  }

  private download(arg: Record<string, unknown>): Outcome {
    const path = typeof arg.path === 'string' ? arg.path : '';
    const file = this.files.get(path.toLowerCase());
    if (!file) return { status: 409, tags: ['path', 'not_found'], error: { '.tag': 'path', path: { '.tag': 'not_found' } } };
    return { status: 200, json: null, raw: file.bytes, headers: { 'Dropbox-API-Result': headerSafeJson(this.metadata(file)) } };
  }
}

/** Starts a fake Dropbox; close it with `await fake.close()`. */
export async function startDropboxFake(options: DropboxFakeOptions = {}): Promise<DropboxFake> {
  return new DropboxFake(options).start();
}
