/**
 * OAuth 2 for connectors that sign in in the browser: Dropbox (storage) and Microsoft 365 / Google
 * (XOAUTH2 for email). One flow for all three:
 *
 * - `signInWithBrowser`: authorization code with PKCE (S256) and `state`, no client secret (a
 *   desktop app cannot keep one). The system browser opens the provider's page; a one-shot
 *   listener on 127.0.0.1 receives the redirect (see loopback.ts); the code is exchanged
 *   (form-encoded POST) and the refresh token and access token go to the keychain through
 *   ctx.setSecret — never to the database, the settings, the logs or the activity.
 * - `getAccessToken`: the stored access token while it has more than 5 minutes left, else one
 *   refresh per connection at a time (concurrent callers share it: Dropbox and Exact both punish
 *   parallel refreshes). A refresh token the provider returns replaces the stored one before the
 *   new access token is used (rotation: Microsoft, Google sometimes).
 *
 * Keychain entries (per connection): `refreshToken` (the token itself) and `accessToken`
 * (JSON `{ token, expiresAt }`, expiresAt in ms since the epoch).
 *
 * Redirect URIs. Microsoft and Google accept any port on a loopback redirect (RFC 8252 §7.3), so
 * they get a random port. Dropbox does not: its redirect_uri "must exactly match one of the
 * redirect URIs you've pre-configured for your app (including the path)" — port included. So a
 * Dropbox connection listens on a fixed port (`redirectPort`, default DROPBOX_REDIRECT_PORT), and
 * whoever registers the Dropbox app (each distributor registers its own, the app key is a setting)
 * adds `http://127.0.0.1:53687/` — or `http://127.0.0.1:<redirectPort>/` — under "Redirect URIs" in
 * the Dropbox App Console, and enables the scopes listed in DROPBOX_SCOPES. `redirectPort: 0`
 * gives a random port (only for an authorization server that ignores the port, such as tests).
 *
 * Every provider URL goes through endpoint(), so tests point them at a local fake.
 */
import { createHash, randomBytes } from 'node:crypto';
import { endpoint } from '../endpoints.ts';
import type { ConnectorContext, SignInUi, TestResult } from '../types.ts';
import { DeliveryError, NEEDS_SIGN_IN } from '../types.ts';
import { LoopbackError, startLoopbackListener } from './loopback.ts';

export interface OAuthProvider {
  id: 'dropbox' | 'microsoft' | 'google';
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scopes: readonly string[];
  extraAuthorizeParams?: Record<string, string>;
  /**
   * Loopback port of the redirect: a fixed port for providers that match redirect URIs exactly
   * (Dropbox); absent or 0 for a random port.
   */
  redirectPort?: number;
  /**
   * Sent on token calls when set: Google's "Desktop app" clients are issued a client secret that is
   * not secret (it ships in every copy of the app) and its token endpoint still asks for it.
   */
  clientSecret?: string;
}

/** The loopback port a Dropbox connection listens on for the sign-in redirect, unless `redirectPort` is set. */
export const DROPBOX_REDIRECT_PORT = 53687;
/** What Ledgerdrop does in Dropbox: upload files and look at what is already there. */
export const DROPBOX_SCOPES = ['files.metadata.read', 'files.content.write'] as const;

/** How long a sign-in waits for the browser. */
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
/** An access token with less than this left is refreshed before use. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_CALL_TIMEOUT_MS = 30_000;

const SERVICE_NAMES: Record<OAuthProvider['id'], string> = { dropbox: 'Dropbox', microsoft: 'Microsoft 365', google: 'Google' };

export function serviceName(provider: Pick<OAuthProvider, 'id'>): string {
  return SERVICE_NAMES[provider.id];
}

function text(settings: Readonly<Record<string, unknown>>, key: string): string {
  const value = settings[key];
  return typeof value === 'string' ? value.trim() : '';
}

/** The provider as a connection's settings configure it. */
export function oauthProvider(id: OAuthProvider['id'], settings: Readonly<Record<string, unknown>>): OAuthProvider {
  switch (id) {
    case 'dropbox': {
      const port = settings.redirectPort;
      return {
        id,
        authorizeUrl: endpoint('https://www.dropbox.com/oauth2/authorize'),
        tokenUrl: endpoint('https://api.dropboxapi.com/oauth2/token'),
        clientId: text(settings, 'appKey'),
        scopes: DROPBOX_SCOPES,
        extraAuthorizeParams: { token_access_type: 'offline' },
        redirectPort: typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : DROPBOX_REDIRECT_PORT,
      };
    }
    case 'microsoft': {
      const tenant = encodeURIComponent(text(settings, 'tenant') || 'common');
      return {
        id,
        authorizeUrl: endpoint(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`),
        tokenUrl: endpoint(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`),
        clientId: text(settings, 'oauthClientId'),
        scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access'],
      };
    }
    case 'google': {
      const secret = text(settings, 'oauthClientSecret');
      return {
        id,
        authorizeUrl: endpoint('https://accounts.google.com/o/oauth2/v2/auth'),
        tokenUrl: endpoint('https://oauth2.googleapis.com/token'),
        clientId: text(settings, 'oauthClientId'),
        scopes: ['https://mail.google.com/'],
        extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
        ...(secret ? { clientSecret: secret } : {}),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PKCE

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** A code verifier (RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(64)); // 86 characters
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

// ---------------------------------------------------------------------------------------------
// Token endpoint

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number | string;
}

/** What went wrong at the token endpoint, already classified. */
class TokenCallError extends Error {
  readonly kind: 'rejected' | 'unavailable';
  readonly oauthError: string | null;
  readonly retryAfterMs: number | null;
  constructor(kind: TokenCallError['kind'], message: string, oauthError: string | null = null, retryAfterMs: number | null = null) {
    super(message);
    this.kind = kind;
    this.oauthError = oauthError;
    this.retryAfterMs = retryAfterMs;
  }
}

export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

async function callTokenEndpoint(provider: OAuthProvider, form: Record<string, string>, signal?: AbortSignal): Promise<TokenResponse> {
  const name = serviceName(provider);
  const body = new URLSearchParams({ ...form, client_id: provider.clientId, ...(provider.clientSecret ? { client_secret: provider.clientSecret } : {}) });
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(TOKEN_CALL_TIMEOUT_MS);
    response = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'no answer within 30 seconds' : ((error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw new TokenCallError('unavailable', `Cannot reach ${name} to renew the sign-in (${reason}).`);
  }
  const raw = await response.text().catch(() => '');
  let json: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    json = null;
  }
  if (response.ok) {
    if (json && typeof json.access_token === 'string' && json.access_token !== '') return json as unknown as TokenResponse;
    throw new TokenCallError('unavailable', `${name} answered the sign-in renewal with something that is not a token.`);
  }
  if (response.status === 429 || response.status >= 500) {
    throw new TokenCallError('unavailable', `${name} could not renew the sign-in right now (HTTP ${response.status}).`, null, parseRetryAfter(response.headers.get('retry-after')));
  }
  // 400/401: the grant, the client or the request was refused. Error codes and descriptions are
  // the provider's words about our request; they never contain the tokens we sent.
  const oauthError = typeof json?.error === 'string' ? json.error : null;
  const description = typeof json?.error_description === 'string' ? json.error_description : oauthError ? '' : raw.slice(0, 200);
  throw new TokenCallError('rejected', [oauthError, description].filter(Boolean).join(': ') || `HTTP ${response.status}`, oauthError);
}

function expiresAtFrom(response: TokenResponse, now: number): number {
  const seconds = Number(response.expires_in);
  // Dropbox: 4 h; Microsoft ~1 h; Google 1 h. Without a lifetime, assume 1 h (a 401 refreshes anyway).
  return now + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000;
}

/** Which refresh token an access token came from, so a replaced sign-in never uses the old account's token. */
function fingerprint(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex').slice(0, 16);
}

async function storeTokens(ctx: ConnectorContext, response: TokenResponse, now: number, presentedRefreshToken: string | null): Promise<void> {
  const rotated = typeof response.refresh_token === 'string' && response.refresh_token !== '' ? response.refresh_token : null;
  // A rotated refresh token must be kept before the new access token is used (GUIDE §3).
  if (rotated !== null && rotated !== presentedRefreshToken) await ctx.setSecret('refreshToken', rotated);
  const from = rotated ?? presentedRefreshToken;
  await ctx.setSecret('accessToken', JSON.stringify({ token: response.access_token, expiresAt: expiresAtFrom(response, now), ...(from ? { rt: fingerprint(from) } : {}) }));
}

// ---------------------------------------------------------------------------------------------
// Sign-in

export interface SignInOptions {
  /** Default 5 minutes. */
  timeoutMs?: number;
}

function noClientMessage(provider: OAuthProvider): string {
  switch (provider.id) {
    case 'dropbox':
      return "No Dropbox app key is set for this connection. Enter your organisation's app key (Dropbox App Console → your app → Settings → App key) in the connection settings, then sign in.";
    case 'microsoft':
      return 'No Microsoft application (client) ID is set for this connection. Enter it (Microsoft Entra admin center → App registrations → your app → Overview) in the connection settings, then sign in.';
    case 'google':
      return 'No Google OAuth client ID is set for this connection. Enter it (Google Cloud console → APIs & Services → Credentials) in the connection settings, then sign in.';
  }
}

/**
 * Signs in in the system browser (see the module comment) and stores the tokens in the keychain.
 * Returns ok: false with a plain explanation when the user declines, the browser never comes
 * back, or the provider refuses; throws only when the keychain refuses the tokens.
 */
export async function signInWithBrowser(ctx: ConnectorContext, ui: SignInUi, provider: OAuthProvider, options: SignInOptions = {}): Promise<TestResult> {
  const name = serviceName(provider);
  if (!provider.clientId) return { ok: false, message: noClientMessage(provider) };
  const { verifier, challenge } = pkcePair();
  const state = base64url(randomBytes(24));

  let listener;
  try {
    listener = await startLoopbackListener({ port: provider.redirectPort ?? 0, state, serviceName: name, timeoutMs: options.timeoutMs ?? SIGN_IN_TIMEOUT_MS, signal: ui.signal });
  } catch (error) {
    if (error instanceof LoopbackError) return { ok: false, message: error.message };
    throw error;
  }
  try {
    const url = new URL(provider.authorizeUrl);
    const params: Record<string, string> = {
      client_id: provider.clientId,
      response_type: 'code',
      redirect_uri: listener.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(provider.scopes.length > 0 ? { scope: provider.scopes.join(' ') } : {}),
      ...provider.extraAuthorizeParams,
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    await ui.openUrl(url.toString());

    let redirect;
    try {
      redirect = await listener.wait();
    } catch (error) {
      if (error instanceof LoopbackError) return { ok: false, message: error.message };
      throw error;
    }

    const declined = redirect.params.get('error');
    if (declined) {
      const description = redirect.params.get('error_description');
      const message =
        declined === 'access_denied'
          ? `The ${name} sign-in was declined in the browser, so Ledgerdrop has no access. Sign in again and choose Allow.`
          : `${name} did not complete the sign-in (${declined}${description ? `: ${description}` : ''}). Sign in again; if it keeps failing, check the connection's app settings.`;
      redirect.respond({ ok: false, title: 'Not signed in', message });
      return { ok: false, message };
    }
    const code = redirect.params.get('code');
    if (!code) {
      const message = `${name} sent the browser back without a sign-in code. Sign in again.`;
      redirect.respond({ ok: false, title: 'Not signed in', message });
      return { ok: false, message };
    }

    let tokens: TokenResponse;
    try {
      tokens = await callTokenEndpoint(provider, { grant_type: 'authorization_code', code, redirect_uri: listener.redirectUri, code_verifier: verifier }, ui.signal);
    } catch (error) {
      if (!(error instanceof TokenCallError)) throw error;
      const message =
        error.kind === 'rejected'
          ? `${name} refused to complete the sign-in (${error.message}). Sign in again; if it keeps failing, check the app key / client ID in the connection settings.`
          : `${error.message} Check the internet connection and sign in again.`;
      redirect.respond({ ok: false, title: 'Not signed in', message });
      return { ok: false, message };
    }
    if (!tokens.refresh_token) {
      const message = `${name} signed in but gave no lasting sign-in (no refresh token), so Ledgerdrop could only work for an hour or so. Sign in again; if it keeps happening, the app registration must allow offline access.`;
      redirect.respond({ ok: false, title: 'Not signed in', message });
      return { ok: false, message };
    }
    try {
      await storeTokens(ctx, tokens, Date.now(), null);
    } catch (error) {
      redirect.respond({ ok: false, title: 'Not signed in', message: `Ledgerdrop could not keep the sign-in in this computer's keychain: ${(error as Error).message}` });
      throw error;
    }
    redirect.respond({ ok: true, title: `Signed in to ${name}`, message: 'Ledgerdrop can now deliver documents. You can close this tab.' });
    return { ok: true, message: `Signed in to ${name}. The sign-in is kept in this computer's keychain.` };
  } finally {
    listener.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Access tokens

export interface AccessTokenOptions {
  /** Refresh even when the stored token looks valid (the service answered 401 expired). */
  forceRefresh?: boolean;
  /**
   * With forceRefresh: the token the service refused. When the stored token is already another one
   * (a concurrent caller refreshed meanwhile), that one is returned without a second refresh.
   */
  rejectedToken?: string;
}

const refreshes = new Map<string, Promise<string>>();

function readStoredAccessToken(raw: string | null): { token: string; expiresAt: number; rt: string | null } | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as { token?: unknown; expiresAt?: unknown; rt?: unknown };
    if (typeof parsed.token === 'string' && parsed.token !== '' && typeof parsed.expiresAt === 'number') {
      return { token: parsed.token, expiresAt: parsed.expiresAt, rt: typeof parsed.rt === 'string' ? parsed.rt : null };
    }
  } catch {
    // unreadable: refresh
  }
  return null;
}

function signInAgain(provider: OAuthProvider, ctx: ConnectorContext, why: string, first = false): DeliveryError {
  const name = serviceName(provider);
  return new DeliveryError('fatal-connection', NEEDS_SIGN_IN, `Sign in to ${name}${first ? '' : ' again'}: ${why} Use Sign in on the connection, or run \`ledgerdrop connections sign-in ${ctx.connectionId}\`.`);
}

async function refresh(ctx: ConnectorContext, provider: OAuthProvider): Promise<string> {
  const name = serviceName(provider);
  if (!provider.clientId) throw new DeliveryError('fatal-connection', 'not-configured', noClientMessage(provider));
  const refreshToken = await ctx.secret('refreshToken');
  if (!refreshToken) throw signInAgain(provider, ctx, `this connection is not signed in to ${name} yet (or its sign-in was removed).`, true);
  const started = Date.now();
  let response: TokenResponse;
  try {
    response = await callTokenEndpoint(provider, { grant_type: 'refresh_token', refresh_token: refreshToken }, ctx.signal);
  } catch (error) {
    if (!(error instanceof TokenCallError)) throw error;
    if (error.kind === 'unavailable') {
      throw new DeliveryError('retry', 'oauth-unavailable', `${error.message} Ledgerdrop tries again later; if this lasts, check the internet connection.`, error.retryAfterMs === null ? {} : { retryAfterMs: error.retryAfterMs });
    }
    const why =
      error.oauthError === 'invalid_grant'
        ? `${name} no longer accepts this connection's sign-in (it was revoked, expired, or the account's password changed).`
        : `${name} refused to renew the sign-in (${error.message}); if the app key or client ID was changed, the old sign-in no longer fits.`;
    throw signInAgain(provider, ctx, why);
  }
  await storeTokens(ctx, response, started, refreshToken);
  return response.access_token;
}

/**
 * A usable access token for the connection: the stored one while it has more than 5 minutes left,
 * else a refreshed one (one refresh at a time per connection; concurrent callers share it).
 * Throws DeliveryError: 'fatal-connection' + NEEDS_SIGN_IN when there is no sign-in or the
 * provider refuses it, 'retry' when the provider cannot be reached.
 */
export async function getAccessToken(ctx: ConnectorContext, provider: OAuthProvider, options: AccessTokenOptions = {}): Promise<string> {
  const key = `${provider.id}\u0000${ctx.connectionId}`;
  const running = refreshes.get(key);
  if (running) return running;

  const stored = readStoredAccessToken(await ctx.secret('accessToken'));
  // The access token must come from the current refresh token: a new sign-in or a refresh token
  // set with `config apply` may point at another account.
  const refreshToken = stored ? await ctx.secret('refreshToken') : null;
  const current = stored !== null && refreshToken !== null && (stored.rt === null || stored.rt === fingerprint(refreshToken));
  const fresh = current && stored.expiresAt - Date.now() > REFRESH_MARGIN_MS;
  if (fresh && (!options.forceRefresh || (options.rejectedToken !== undefined && options.rejectedToken !== stored.token))) return stored.token;

  // Another caller may have started a refresh while we read the keychain.
  const started = refreshes.get(key);
  if (started) return started;
  const promise = refresh(ctx, provider).finally(() => refreshes.delete(key));
  refreshes.set(key, promise);
  return promise;
}
