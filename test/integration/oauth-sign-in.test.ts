/**
 * signInWithBrowser end to end, in process: a real loopback listener, the local authorization
 * server of test/fakes/oauth.ts (or the Dropbox fake) as the provider, and a "browser" that follows
 * the authorize page's redirect to the listener — the way a consenting user's browser does.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken, signInWithBrowser, type OAuthProvider } from '../../src/main/connectors/oauth/index.ts';
import { memoryContext } from '../fakes/context.ts';
import { startDropboxFake, type DropboxFake } from '../fakes/dropbox.ts';
import { startOAuthServer, type OAuthServer } from '../fakes/oauth.ts';
import { getFreePort } from '../helpers/free-port.ts';

const CLIENT = 'desktop-client-id';
let server: OAuthServer;

beforeAll(async () => {
  server = await startOAuthServer({
    name: 'Microsoft identity platform (test double)',
    authorizePath: '/common/oauth2/v2.0/authorize',
    tokenPath: '/common/oauth2/v2.0/token',
    // Microsoft: "http://localhost" or 127.0.0.1 registered once, any port at sign-in time.
    clients: [{ clientId: CLIENT, redirectUris: ['http://127.0.0.1/'], anyLoopbackPort: true }],
    accessTokenLifetimeSeconds: 3600,
    rotateRefreshTokens: true,
    wantsRefreshToken: (params) => (params.get('scope') ?? '').split(' ').includes('offline_access'),
  });
});
afterAll(() => server.close());

function microsoft(overrides: Partial<OAuthProvider> = {}): OAuthProvider {
  return {
    id: 'microsoft',
    authorizeUrl: `${server.origin}/common/oauth2/v2.0/authorize`,
    tokenUrl: `${server.origin}/common/oauth2/v2.0/token`,
    clientId: CLIENT,
    scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access'],
    ...overrides,
  };
}

/** The user's browser: opens the page and follows the redirect; resolves with what the last page said. */
function browser() {
  const pages: { url: string; status: number; html: string }[] = [];
  const opened: string[] = [];
  return {
    pages,
    opened,
    async open(url: string): Promise<void> {
      opened.push(url);
      // Not awaited by the sign-in: the listener answers only after the token exchange.
      void fetch(url, { redirect: 'follow' }).then(async (response) => pages.push({ url: response.url, status: response.status, html: await response.text() }));
    },
  };
}

async function waitFor<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('signInWithBrowser', () => {
  it('signs in with PKCE on a random loopback port and keeps both tokens in the keychain only', async () => {
    const ctx = memoryContext('mail-office', {});
    const user = browser();
    const result = await signInWithBrowser(ctx, { openUrl: (url) => user.open(url) }, microsoft());
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/^Signed in to Microsoft 365/) });

    const authorize = new URL(user.opened[0]!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')).toBe('https://outlook.office.com/SMTP.Send offline_access');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const refreshToken = ctx.secrets.get('refreshToken')!;
    expect(server.authority.refreshTokens.has(refreshToken)).toBe(true);
    const access = JSON.parse(ctx.secrets.get('accessToken')!) as { token: string; expiresAt: number };
    expect(server.authority.check(access.token).ok).toBe(true);
    expect(access.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(JSON.stringify(result)).not.toContain(refreshToken);

    const page = await waitFor(() => user.pages[0]);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Signed in to Microsoft 365');
    expect(server.authority.grants.at(-1)).toMatchObject({ grantType: 'authorization_code', paramsIn: 'body', outcome: 200 });
    // The listener is gone.
    await expect(fetch(authorize.searchParams.get('redirect_uri')!)).rejects.toThrow();
    // And the tokens work for the next step.
    await expect(getAccessToken(ctx, microsoft())).resolves.toBe(access.token);
  });

  it('ignores an answer with another state (an old tab, a forged request) and keeps waiting for the real one', async () => {
    const ctx = memoryContext('mail-state', {});
    const user = browser();
    const before = server.authority.grants.length;
    let forged: { status: number; html: string } | null = null;
    const result = await signInWithBrowser(
      ctx,
      {
        openUrl: async (url) => {
          const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
          const response = await fetch(`${redirectUri}?code=attacker-code&state=not-ours`);
          forged = { status: response.status, html: await response.text() };
          await user.open(url);
        },
      },
      microsoft(),
    );
    expect(forged).toMatchObject({ status: 400, html: expect.stringContaining('not the one Ledgerdrop is waiting for') });
    expect(result.ok).toBe(true);
    // Only the real code was exchanged.
    expect(server.authority.grants.slice(before).map((g) => g.grantType)).toEqual(['authorization_code']);
  });

  it('reports a declined consent in plain words and stores nothing', async () => {
    const ctx = memoryContext('mail-declined', {});
    const user = browser();
    server.authority.consent = 'deny';
    try {
      const result = await signInWithBrowser(ctx, { openUrl: (url) => user.open(url) }, microsoft());
      expect(result).toEqual({ ok: false, message: 'The Microsoft 365 sign-in was declined in the browser, so Ledgerdrop has no access. Sign in again and choose Allow.' });
    } finally {
      server.authority.consent = 'allow';
    }
    expect(ctx.writes).toEqual([]);
    expect((await waitFor(() => user.pages[0])).html).toContain('Not signed in');
  });

  it('reports a refused code exchange on the page and to the caller', async () => {
    const ctx = memoryContext('mail-refused', {});
    const user = browser();
    server.authority.tokenFaults.push({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS70000: The provided grant has expired.' }) });
    const result = await signInWithBrowser(ctx, { openUrl: (url) => user.open(url) }, microsoft());
    expect(result.ok).toBe(false);
    expect(result.message).toContain('refused to complete the sign-in (invalid_grant: AADSTS70000');
    expect(ctx.writes).toEqual([]);
    expect((await waitFor(() => user.pages[0])).status).toBe(400);
  });

  it('gives up after the timeout, and when the caller cancels', async () => {
    const ctx = memoryContext('mail-timeout', {});
    let redirectUri = '';
    const timedOut = await signInWithBrowser(ctx, { openUrl: (url) => void (redirectUri = new URL(url).searchParams.get('redirect_uri')!) }, microsoft(), { timeoutMs: 300 });
    expect(timedOut.ok).toBe(false);
    expect(timedOut.message).toBe('The Microsoft 365 sign-in was not completed within 1 second. Start the sign-in again and finish it in the browser window that opens.');
    await expect(fetch(redirectUri)).rejects.toThrow();

    const controller = new AbortController();
    const cancelled = await signInWithBrowser(ctx, { openUrl: () => void setTimeout(() => controller.abort(), 50), signal: controller.signal }, microsoft());
    expect(cancelled).toEqual({ ok: false, message: 'The Microsoft 365 sign-in was cancelled.' });
    expect(ctx.writes).toEqual([]);
  });

  it('says what to fill in when the client id is missing', async () => {
    const result = await signInWithBrowser(memoryContext('x', {}), { openUrl: () => undefined }, microsoft({ clientId: '' }));
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('No Microsoft application (client) ID is set') });
  });
});

describe('signInWithBrowser with Dropbox (registered redirect URIs match exactly)', () => {
  let dropbox: DropboxFake;
  let port: number;
  beforeAll(async () => {
    port = await getFreePort();
    dropbox = await startDropboxFake({ redirectUris: [`http://127.0.0.1:${port}/`] });
  });
  afterAll(() => dropbox.close());

  const provider = (redirectPort: number): OAuthProvider => ({
    id: 'dropbox',
    authorizeUrl: `${dropbox.origin('www')}/oauth2/authorize`,
    tokenUrl: `${dropbox.origin('api')}/oauth2/token`,
    clientId: dropbox.appKey,
    scopes: ['files.metadata.read', 'files.content.write'],
    extraAuthorizeParams: { token_access_type: 'offline' },
    redirectPort,
  });

  it('listens on the registered port and gets an offline refresh token', async () => {
    const ctx = memoryContext('dbx', {});
    const user = browser();
    const result = await signInWithBrowser(ctx, { openUrl: (url) => user.open(url) }, provider(port));
    expect(result.ok).toBe(true);
    expect(new URL(user.opened[0]!).searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/`);
    expect(new URL(user.opened[0]!).searchParams.get('token_access_type')).toBe('offline');
    expect(dropbox.oauth.refreshTokens.has(ctx.secrets.get('refreshToken')!)).toBe(true);
  });

  it('a redirect URI the app did not register never comes back: the timeout message says what to register', async () => {
    const other = await getFreePort();
    const user = browser();
    const result = await signInWithBrowser(memoryContext('dbx2', {}), { openUrl: (url) => user.open(url) }, provider(other), { timeoutMs: 1500 });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`must list http://127.0.0.1:${other}/ as a redirect URI`);
    const page = await waitFor(() => user.pages[0]);
    expect(page).toMatchObject({ status: 400, html: expect.stringContaining('Invalid redirect_uri') });
  });

  it('a port taken by another program is explained', async () => {
    const blocker = createServer();
    const taken = await getFreePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const result = await signInWithBrowser(memoryContext('dbx3', {}), { openUrl: () => undefined }, provider(taken));
      expect(result).toMatchObject({ ok: false, message: expect.stringContaining(`Port ${taken} on this computer is in use by another program`) });
    } finally {
      blocker.close();
    }
  });
});
