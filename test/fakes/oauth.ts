/**
 * A local OAuth 2 authorization server for tests (RFC 6749 code grant + RFC 7636 PKCE + refresh
 * grant), as Dropbox, Microsoft and Google run it for a public (secret-less) desktop client.
 *
 * - The authorize endpoint behaves like a user who is already signed in and consents (or declines,
 *   with `consent = 'deny'`): GET → 302 to redirect_uri?code=…&state=…. An unknown client_id, an
 *   unregistered redirect_uri or a missing PKCE challenge get the provider's error page (400, HTML),
 *   never a redirect — as the real services do.
 * - The token endpoint takes its parameters form-encoded in the body or in the query string (the
 *   Dropbox SDK sends them in the query string), checks the code (single use, 10 minutes, same
 *   client and redirect_uri) and the code_verifier against the challenge, and answers JSON:
 *   `{access_token, token_type, expires_in, refresh_token?, scope, …extra}` or 400
 *   `{error, error_description}` (invalid_grant, invalid_client, invalid_request, unsupported_grant_type).
 * - Refresh tokens: issued when the authorize request asked for offline access (per provider);
 *   rotated on every refresh when `rotateRefreshTokens` (Microsoft), else kept (Dropbox).
 *
 * Tests read and steer its state: `grants` (every token call), `expireAccessTokens()`,
 * `revokeAll()`, `issueRefreshToken()` (a token for headless `config apply`), `tokenFaults`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuthClientRegistration {
  clientId: string;
  /** Registered redirect URIs, matched exactly (Dropbox), unless `anyLoopbackPort`. */
  redirectUris: readonly string[];
  /** RFC 8252 §7.3: a loopback redirect URI matches whatever its port (Microsoft, Google). */
  anyLoopbackPort?: boolean;
  /** Scopes the app may ask for; others make the authorize page fail. Undefined: any. */
  scopes?: readonly string[];
}

export interface OAuthAuthorityOptions {
  clients: readonly OAuthClientRegistration[];
  /** Seconds, default 14400 (Dropbox's 4 hours). */
  accessTokenLifetimeSeconds?: number;
  rotateRefreshTokens?: boolean;
  /** Whether an authorize request asks for a refresh token (Dropbox: token_access_type=offline). */
  wantsRefreshToken(params: URLSearchParams): boolean;
  /** Extra fields of a token response (Dropbox: uid, account_id). */
  extraTokenFields?: Record<string, unknown>;
  /** The provider's name on its error pages. */
  name: string;
}

export interface TokenGrant {
  grantType: string;
  clientId: string | null;
  at: number;
  /** Where the parameters came from. */
  paramsIn: 'body' | 'query';
  contentType: string | null;
  outcome: number;
}

export interface AccessTokenRecord {
  clientId: string;
  scopes: readonly string[];
  expiresAt: number;
  revoked: boolean;
  refreshToken: string | null;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string | null;
  challenge: string | null;
  method: string;
  scopes: readonly string[];
  offline: boolean;
  expiresAt: number;
  used: boolean;
}

interface RefreshRecord {
  clientId: string;
  scopes: readonly string[];
  revoked: boolean;
}

export type TokenFault = { status: number; body?: string; contentType?: string; retryAfter?: number };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

export class OAuthAuthority {
  readonly options: OAuthAuthorityOptions;
  consent: 'allow' | 'deny' = 'allow';
  readonly grants: TokenGrant[] = [];
  /** Answers the next token calls with these, in order (a 5xx, a 429…). */
  readonly tokenFaults: TokenFault[] = [];
  /** Delay before answering each token call (lets tests overlap concurrent refreshes). */
  tokenDelayMs = 0;
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly codes = new Map<string, CodeRecord>();

  constructor(options: OAuthAuthorityOptions) {
    this.options = options;
  }

  /** Refresh-token grants so far (for "exactly one refresh" assertions). */
  refreshCount(): number {
    return this.grants.filter((g) => g.grantType === 'refresh_token' && g.outcome === 200).length;
  }

  /** A refresh token as if the user had signed in elsewhere (headless set-up from an env var). */
  issueRefreshToken(clientId: string, scopes: readonly string[] = this.client(clientId)?.scopes ?? []): string {
    const value = token('rt-');
    this.refreshTokens.set(value, { clientId, scopes, revoked: false });
    return value;
  }

  /** Every access token issued so far now answers 401 expired_access_token. */
  expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, Date.now() - 1);
  }

  /** The user removed the app's access: access tokens are invalid, refresh tokens refused. */
  revokeAll(): void {
    for (const record of this.accessTokens.values()) record.revoked = true;
    for (const record of this.refreshTokens.values()) record.revoked = true;
  }

  /** What a bearer token is worth now. */
  check(bearer: string): { ok: true; record: AccessTokenRecord } | { ok: false; reason: 'invalid_access_token' | 'expired_access_token' } {
    const record = this.accessTokens.get(bearer);
    if (!record || record.revoked) return { ok: false, reason: 'invalid_access_token' };
    if (Date.now() >= record.expiresAt) return { ok: false, reason: 'expired_access_token' };
    return { ok: true, record };
  }

  private client(clientId: string | null): OAuthClientRegistration | undefined {
    return this.options.clients.find((c) => c.clientId === clientId);
  }

  private redirectAllowed(client: OAuthClientRegistration, uri: string): boolean {
    if (client.redirectUris.includes(uri)) return true;
    if (!client.anyLoopbackPort) return false;
    let given: URL;
    try {
      given = new URL(uri);
    } catch {
      return false;
    }
    if (given.protocol !== 'http:' || !LOOPBACK_HOSTS.has(given.hostname)) return false;
    return client.redirectUris.some((registered) => {
      const r = new URL(registered);
      return r.protocol === 'http:' && r.hostname === given.hostname && r.pathname === given.pathname;
    });
  }

  private errorPage(res: ServerResponse, message: string): void {
    res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body><h1>Error (400)</h1><p>It seems the app you were using submitted a bad request. If you would like to report this error to the app's developer, include the information below.</p><p>More details for developers</p><p>${escapeHtml(message)}</p><p>${escapeHtml(this.options.name)}</p></body></html>`);
  }

  /** GET authorize: the consenting (or declining) user. */
  authorize(url: URL, res: ServerResponse): void {
    const params = url.searchParams;
    const client = this.client(params.get('client_id'));
    if (!client) return this.errorPage(res, 'Invalid client_id: the app key is not known.');
    const redirectUri = params.get('redirect_uri');
    if (redirectUri === null) return this.errorPage(res, 'Missing redirect_uri: this test server does not show codes to copy by hand.');
    if (!this.redirectAllowed(client, redirectUri)) {
      return this.errorPage(res, "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).");
    }
    if (params.get('response_type') !== 'code') return this.errorPage(res, 'Invalid response_type: only "code" is allowed.');
    const challenge = params.get('code_challenge');
    const method = params.get('code_challenge_method') ?? 'plain';
    if (!challenge) return this.errorPage(res, 'Missing code_challenge: a client without a client secret must use PKCE.');
    if (method !== 'S256' && method !== 'plain') return this.errorPage(res, 'Invalid code_challenge_method.');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) return this.errorPage(res, 'Invalid code_challenge.');
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    const unknown = client.scopes ? scopes.filter((s) => !client.scopes!.includes(s)) : [];
    if (unknown.length > 0) return this.errorPage(res, `Invalid scope: the app is not allowed ${unknown.join(', ')}.`);

    const target = new URL(redirectUri);
    const state = params.get('state');
    if (this.consent === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user chose not to give your app access to their account.');
    } else {
      const code = token('code-');
      this.codes.set(code, {
        clientId: client.clientId,
        redirectUri,
        challenge,
        method,
        scopes: scopes.length > 0 ? scopes : (client.scopes ?? []),
        offline: this.options.wantsRefreshToken(params),
        expiresAt: Date.now() + 10 * 60_000,
        used: false,
      });
      target.searchParams.set('code', code);
    }
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
    res.end();
  }

  private issueAccessToken(clientId: string, scopes: readonly string[], refreshToken: string | null): { access_token: string; expires_in: number } {
    const lifetime = this.options.accessTokenLifetimeSeconds ?? 14400;
    const value = token('at-');
    this.accessTokens.set(value, { clientId, scopes, expiresAt: Date.now() + lifetime * 1000, revoked: false, refreshToken });
    return { access_token: value, expires_in: lifetime };
  }

  /** POST token. */
  async token(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const fromBody = body.length > 0;
    const contentType = req.headers['content-type'] ?? null;
    const params = fromBody ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
    const grant: TokenGrant = { grantType: params.get('grant_type') ?? '', clientId: params.get('client_id'), at: Date.now(), paramsIn: fromBody ? 'body' : 'query', contentType, outcome: 0 };
    this.grants.push(grant);
    if (this.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.tokenDelayMs));

    const answer = (status: number, json: Record<string, unknown>): void => {
      grant.outcome = status;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(json));
    };
    const fault = this.tokenFaults.shift();
    if (fault) {
      grant.outcome = fault.status;
      res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'text/plain; charset=utf-8', ...(fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}) });
      res.end(fault.body ?? '');
      return;
    }
    if (req.method !== 'POST') return answer(405, { error: 'invalid_request', error_description: 'Use POST.' });
    if (fromBody && !String(contentType).startsWith('application/x-www-form-urlencoded')) {
      return answer(400, { error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded.' });
    }
    const client = this.client(grant.clientId);
    if (!client) return answer(400, { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' });

    if (grant.grantType === 'authorization_code') {
      const code = this.codes.get(params.get('code') ?? '');
      if (!code || code.used || code.expiresAt < Date.now() || code.clientId !== client.clientId) {
        if (code) code.used = true;
        return answer(400, { error: 'invalid_grant', error_description: "code doesn't exist or has expired" });
      }
      code.used = true;
      if ((params.get('redirect_uri') ?? null) !== code.redirectUri) return answer(400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      const verifier = params.get('code_verifier');
      if (!verifier) return answer(400, { error: 'invalid_request', error_description: 'No auth function available for given request' });
      const computed = code.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== code.challenge) return answer(400, { error: 'invalid_grant', error_description: 'invalid code verifier' });
      const refreshToken = code.offline ? this.issueRefreshToken(client.clientId, code.scopes) : null;
      return answer(200, {
        ...this.issueAccessToken(client.clientId, code.scopes, refreshToken),
        token_type: 'bearer',
        scope: code.scopes.join(' '),
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        ...this.options.extraTokenFields,
      });
    }
    if (grant.grantType === 'refresh_token') {
      const presented = params.get('refresh_token') ?? '';
      const record = this.refreshTokens.get(presented);
      if (!record || record.revoked || record.clientId !== client.clientId) return answer(400, { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' });
      let refreshToken = presented;
      if (this.options.rotateRefreshTokens) {
        record.revoked = true;
        refreshToken = this.issueRefreshToken(client.clientId, record.scopes);
      }
      return answer(200, {
        ...this.issueAccessToken(client.clientId, record.scopes, refreshToken),
        token_type: 'bearer',
        scope: record.scopes.join(' '),
        ...(this.options.rotateRefreshTokens ? { refresh_token: refreshToken } : {}),
      });
    }
    return answer(400, { error: 'unsupported_grant_type', error_description: `grant_type "${grant.grantType}" is not supported` });
  }
}

/** Reads a request body whole. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface OAuthServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  authority: OAuthAuthority;
  close(): Promise<void>;
}

/** A bare authorization server on a loopback port: GET `authorizePath`, POST `tokenPath`. */
export async function startOAuthServer(options: OAuthAuthorityOptions & { authorizePath: string; tokenPath: string }): Promise<OAuthServer> {
  const authority = new OAuthAuthority(options);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    void readBody(req).then(async (body) => {
      if (req.method === 'GET' && url.pathname === options.authorizePath) return authority.authorize(url, res);
      if (url.pathname === options.tokenPath) return authority.token(req, body, res);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    authority,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
