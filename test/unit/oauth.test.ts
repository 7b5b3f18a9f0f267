/**
 * The OAuth module's providers, PKCE and access tokens, against a local token endpoint
 * (test/fakes/oauth.ts) — refresh, single-flight, rotation, and how refusals are classified.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DROPBOX_REDIRECT_PORT, getAccessToken, oauthProvider, pkcePair, REFRESH_MARGIN_MS, type OAuthProvider } from '../../src/main/connectors/oauth/index.ts';
import { DeliveryError, NEEDS_SIGN_IN } from '../../src/main/connectors/types.ts';
import { memoryContext } from '../fakes/context.ts';
import { startOAuthServer, type OAuthServer } from '../fakes/oauth.ts';

const CLIENT = 'unit-test-client';
let server: OAuthServer;
let counter = 0;
const savedEndpoints = process.env.LEDGERDROP_TEST_ENDPOINTS;

beforeAll(async () => {
  server = await startOAuthServer({
    name: 'test authority',
    authorizePath: '/oauth2/authorize',
    tokenPath: '/oauth2/token',
    clients: [{ clientId: CLIENT, redirectUris: ['http://127.0.0.1/'], anyLoopbackPort: true }],
    accessTokenLifetimeSeconds: 14400,
    wantsRefreshToken: () => true,
  });
});
afterAll(async () => {
  await server.close();
  if (savedEndpoints === undefined) delete process.env.LEDGERDROP_TEST_ENDPOINTS;
  else process.env.LEDGERDROP_TEST_ENDPOINTS = savedEndpoints;
});
afterEach(() => {
  server.authority.tokenDelayMs = 0;
  server.authority.tokenFaults.splice(0);
  server.authority.options.rotateRefreshTokens = false;
});

function provider(overrides: Partial<OAuthProvider> = {}): OAuthProvider {
  return { id: 'dropbox', authorizeUrl: `${server.origin}/oauth2/authorize`, tokenUrl: `${server.origin}/oauth2/token`, clientId: CLIENT, scopes: [], ...overrides };
}

/** A connection signed in earlier: a refresh token, and an access token that expires in `ms`. */
function signedIn(expiresInMs: number) {
  const refreshToken = server.authority.issueRefreshToken(CLIENT);
  const ctx = memoryContext(`conn-${++counter}`, {}, { refreshToken, accessToken: JSON.stringify({ token: 'at-old', expiresAt: Date.now() + expiresInMs }) });
  return { ctx, refreshToken };
}

const grants = () => server.authority.grants.filter((g) => g.grantType === 'refresh_token').length;

describe('oauthProvider', () => {
  it('builds the documented endpoints and client ids, through endpoint()', () => {
    delete process.env.LEDGERDROP_TEST_ENDPOINTS;
    expect(oauthProvider('dropbox', { appKey: ' abc123 ' })).toEqual({
      id: 'dropbox',
      authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      clientId: 'abc123',
      scopes: ['files.metadata.read', 'files.content.write'],
      extraAuthorizeParams: { token_access_type: 'offline' },
      redirectPort: DROPBOX_REDIRECT_PORT,
    });
    expect(oauthProvider('dropbox', { appKey: 'k', redirectPort: 0 }).redirectPort).toBe(0);
    expect(oauthProvider('microsoft', { oauthClientId: 'ms-id', tenant: 'contoso.onmicrosoft.com' })).toMatchObject({
      authorizeUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      clientId: 'ms-id',
      scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access'],
    });
    expect(oauthProvider('microsoft', { oauthClientId: 'ms-id' }).tokenUrl).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/token');
    expect(oauthProvider('google', { oauthClientId: 'g-id' })).toMatchObject({
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['https://mail.google.com/'],
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    });

    process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify({ 'https://api.dropboxapi.com': 'http://127.0.0.1:9' });
    expect(oauthProvider('dropbox', { appKey: 'k' }).tokenUrl).toBe('http://127.0.0.1:9/oauth2/token');
    delete process.env.LEDGERDROP_TEST_ENDPOINTS;
  });

  it('makes PKCE pairs per RFC 7636: a fresh 43–128 character verifier and its S256 challenge', () => {
    const a = pkcePair();
    const b = pkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'));
  });
});

describe('getAccessToken', () => {
  it('uses the stored token while it has more than 5 minutes left, without calling the token endpoint', async () => {
    const { ctx } = signedIn(REFRESH_MARGIN_MS + 60_000);
    const before = grants();
    expect(await getAccessToken(ctx, provider())).toBe('at-old');
    expect(grants()).toBe(before);
  });

  it('refreshes a token with less than 5 minutes left and keeps the new one (with its expiry) in the keychain only', async () => {
    const { ctx, refreshToken } = signedIn(REFRESH_MARGIN_MS - 1000);
    const token = await getAccessToken(ctx, provider());
    expect(token).not.toBe('at-old');
    expect(server.authority.check(token).ok).toBe(true);
    const stored = JSON.parse(ctx.secrets.get('accessToken')!) as { token: string; expiresAt: number };
    expect(stored.token).toBe(token);
    expect(stored.expiresAt).toBeGreaterThan(Date.now() + 14_000_000);
    expect(ctx.secrets.get('refreshToken')).toBe(refreshToken); // Dropbox does not rotate
    const grant = server.authority.grants.at(-1)!;
    expect(grant).toMatchObject({ grantType: 'refresh_token', clientId: CLIENT, paramsIn: 'body', contentType: 'application/x-www-form-urlencoded' });
  });

  it('is single-flight per connection: concurrent callers share one refresh', async () => {
    const { ctx } = signedIn(-1000);
    server.authority.tokenDelayMs = 200;
    const before = grants();
    const tokens = await Promise.all(Array.from({ length: 6 }, () => getAccessToken(ctx, provider())));
    expect(grants() - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('refreshes separately for separate connections', async () => {
    const a = signedIn(-1000);
    const b = signedIn(-1000);
    const before = grants();
    const [ta, tb] = await Promise.all([getAccessToken(a.ctx, provider()), getAccessToken(b.ctx, provider())]);
    expect(grants() - before).toBe(2);
    expect(ta).not.toBe(tb);
  });

  it('forceRefresh renews a token the service refused, once even when two callers saw the refusal', async () => {
    const { ctx } = signedIn(REFRESH_MARGIN_MS + 60_000);
    const before = grants();
    const first = await getAccessToken(ctx, provider(), { forceRefresh: true, rejectedToken: 'at-old' });
    expect(first).not.toBe('at-old');
    // A second caller whose request with the old token also failed gets the new one, no second refresh.
    expect(await getAccessToken(ctx, provider(), { forceRefresh: true, rejectedToken: 'at-old' })).toBe(first);
    expect(grants() - before).toBe(1);
  });

  it('does not use an access token that belongs to a replaced refresh token (a new sign-in or config apply)', async () => {
    const { ctx } = signedIn(-1000);
    const token = await getAccessToken(ctx, provider());
    ctx.secrets.set('refreshToken', server.authority.issueRefreshToken(CLIENT));
    const before = grants();
    const next = await getAccessToken(ctx, provider());
    expect(next).not.toBe(token);
    expect(grants() - before).toBe(1);
  });

  it('stores a rotated refresh token before the new access token (Microsoft rotates)', async () => {
    server.authority.options.rotateRefreshTokens = true;
    const { ctx, refreshToken } = signedIn(-1000);
    await getAccessToken(ctx, provider({ id: 'microsoft' }));
    const rotated = ctx.secrets.get('refreshToken')!;
    expect(rotated).not.toBe(refreshToken);
    expect(ctx.writes.map((w) => w.key)).toEqual(['refreshToken', 'accessToken']);
    // The old one is dead at the authority now; the new one works.
    server.authority.expireAccessTokens();
    ctx.secrets.set('accessToken', JSON.stringify({ token: 'x', expiresAt: 0 }));
    await expect(getAccessToken(ctx, provider({ id: 'microsoft' }))).resolves.toMatch(/^at-/);
  });

  it('a revoked refresh token (invalid_grant) stops the connection with "needs sign-in" and a plain message without tokens', async () => {
    const { ctx, refreshToken } = signedIn(-1000);
    server.authority.refreshTokens.get(refreshToken)!.revoked = true;
    const error = (await getAccessToken({ ...ctx, connectionId: 'dbx-office' }, provider()).catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.failure).toBe('fatal-connection');
    expect(error.code).toBe(NEEDS_SIGN_IN);
    expect(error.message).toMatch(/^Sign in to Dropbox again: Dropbox no longer accepts/);
    expect(error.message).toContain('ledgerdrop connections sign-in dbx-office');
    expect(error.message).not.toContain(refreshToken);
    expect(error.message).not.toContain('at-old');
  });

  it('no refresh token at all also asks for a sign-in', async () => {
    const ctx = memoryContext('never-signed-in', {});
    await expect(getAccessToken(ctx, provider())).rejects.toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN, message: expect.stringMatching(/^Sign in to Dropbox: this connection is not signed in/) });
  });

  it('a refused client (wrong app key) asks for a sign-in with the provider\'s reason', async () => {
    const { ctx } = signedIn(-1000);
    await expect(getAccessToken(ctx, provider({ clientId: 'someone-else' }))).rejects.toMatchObject({ code: NEEDS_SIGN_IN, message: expect.stringContaining('invalid_client') });
  });

  it('5xx, 429 and an unreachable token endpoint are "retry", with Retry-After when given', async () => {
    const { ctx } = signedIn(-1000);
    server.authority.tokenFaults.push({ status: 503, body: 'upstream down' });
    await expect(getAccessToken(ctx, provider())).rejects.toMatchObject({ failure: 'retry', code: 'oauth-unavailable' });
    server.authority.tokenFaults.push({ status: 429, retryAfter: 7, body: 'slow down' });
    await expect(getAccessToken(ctx, provider())).rejects.toMatchObject({ failure: 'retry', retryAfterMs: 7000 });
    await expect(getAccessToken(ctx, provider({ tokenUrl: 'http://127.0.0.1:9/oauth2/token' }))).rejects.toMatchObject({ failure: 'retry', message: expect.stringMatching(/^Cannot reach Dropbox to renew the sign-in/) });
    // After the outage, the same connection refreshes normally.
    await expect(getAccessToken(ctx, provider())).resolves.toMatch(/^at-/);
  });
});
