/**
 * E-mail with a Microsoft 365 account (auth oauth2-microsoft): the browser sign-in against a local
 * Microsoft-style authorization server (test/fakes/oauth.ts, reached through
 * LEDGERDROP_TEST_ENDPOINTS), then XOAUTH2 on a real SMTP server that accepts only the tokens that
 * server issued — a refused token is refreshed once, a revoked sign-in asks to sign in again.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailConnector } from '../../src/main/connectors/email/index.ts';
import { DeliveryError, NEEDS_SIGN_IN, type DeliveryClient, type DeliveryDocument } from '../../src/main/connectors/types.ts';
import { memoryContext } from '../fakes/context.ts';
import { startOAuthServer, type OAuthServer } from '../fakes/oauth.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { tempDirs } from '../helpers/temp.ts';

const CLIENT_ID = 'ledgerdrop-desktop-test';
const MAILBOX = 'office@fiduciaire.example.test';
const temp = tempDirs('ledgerdrop-email-oauth-');
const savedEndpoints = process.env.LEDGERDROP_TEST_ENDPOINTS;

let authority: OAuthServer;
let smtp: TestSmtpServer;
let caFile: string;
let counter = 0;

beforeAll(async () => {
  authority = await startOAuthServer({
    name: 'Microsoft identity platform (test double)',
    authorizePath: '/common/oauth2/v2.0/authorize',
    tokenPath: '/common/oauth2/v2.0/token',
    clients: [{ clientId: CLIENT_ID, redirectUris: ['http://127.0.0.1/'], anyLoopbackPort: true, scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access'] }],
    accessTokenLifetimeSeconds: 3600,
    rotateRefreshTokens: true,
    wantsRefreshToken: (params) => (params.get('scope') ?? '').split(' ').includes('offline_access'),
  });
  process.env.LEDGERDROP_TEST_ENDPOINTS = JSON.stringify({ 'https://login.microsoftonline.com': authority.origin });
  // The mail server takes a token only for the mailbox and only while the authority says it is good.
  smtp = await startSmtpServer({ checkAccessToken: (user, token) => user === MAILBOX && authority.authority.check(token).ok });
  caFile = path.join(temp.make(), 'ca.pem');
  writeFileSync(caFile, smtp.caCert);
});
afterAll(async () => {
  await smtp?.stop();
  await authority?.close();
  if (savedEndpoints === undefined) delete process.env.LEDGERDROP_TEST_ENDPOINTS;
  else process.env.LEDGERDROP_TEST_ENDPOINTS = savedEndpoints;
  temp.cleanup();
});
afterEach(() => smtp.reset());

const settings = () => ({ host: smtp.host, port: smtp.port, from: MAILBOX, caFile, auth: 'oauth2-microsoft', oauthClientId: CLIENT_ID });
const client: DeliveryClient = { id: 'dupont', name: 'Dupont SPRL', accountingFileId: null, fields: { inboundEmail: 'dupont@docin.example.test' } };
function doc(): DeliveryDocument {
  counter += 1;
  return {
    deliveryId: `dupont/mail/oauth-${counter}/main`,
    sha256: `oauth-${counter}`,
    family: 'invoices',
    direction: 'purchase',
    kind: 'invoice',
    format: 'ubl-be',
    originalName: `F-${counter}.xml`,
    receivedAt: '2025-03-15T09:30:00.000Z',
    meta: { number: `F-${counter}`, issueDate: null, supplier: null, customer: null },
    files: [{ name: `F-${counter}.xml`, bytes: Buffer.from(`<Invoice>${counter}</Invoice>`), mimeType: 'application/xml' }],
  };
}

/** A consenting user's browser: follows the authorize page's redirect back to the loopback listener. */
const browser = { openUrl: (url: string) => void fetch(url, { redirect: 'follow' }).then((r) => r.text()) };

describe('e-mail with a Microsoft 365 account (XOAUTH2)', () => {
  it('signs in in the browser, proves sending works, then delivers with XOAUTH2; no token leaves the keychain', async () => {
    const ctx = memoryContext(`mail-${++counter}`, settings());
    const result = await emailConnector.signIn!(ctx, browser);
    expect(result.ok).toBe(true);
    expect(result.message).toContain('Signed in to Microsoft 365.');
    expect(result.message).toContain(`signed in as ${MAILBOX}`);
    expect(result.facts).toMatchObject({ 'sign-in method': 'Microsoft 365 account (OAuth)', 'signed in as': MAILBOX });
    expect(ctx.secrets.get('refreshToken')).toMatch(/^rt-/);
    const sent = doc();
    const receipt = await emailConnector.deliver(sent, client, ctx);
    const [message] = await smtp.waitForMessages(1);
    expect(message!.user).toBe(MAILBOX);
    expect(message!.envelope.to).toEqual(['dupont@docin.example.test']);
    expect(receipt.remoteRef).toContain(message!.messageId!);
    for (const value of ctx.secrets.values()) expect(JSON.stringify(result) + receipt.remoteRef).not.toContain(value);
  });

  it('a token the server refuses (expired early) is refreshed once and the delivery goes through', async () => {
    const ctx = memoryContext(`mail-${++counter}`, settings());
    expect((await emailConnector.signIn!(ctx, browser)).ok).toBe(true);
    const before = authority.authority.refreshCount();
    // The stored token still looks valid for an hour, but the authority has expired it.
    authority.authority.expireAccessTokens();
    await emailConnector.deliver(doc(), client, ctx);
    expect(authority.authority.refreshCount()).toBe(before + 1);
    await smtp.waitForMessages(1);
    // The refreshed token is kept: the next delivery needs no refresh.
    await emailConnector.deliver(doc(), client, ctx);
    expect(authority.authority.refreshCount()).toBe(before + 1);
    await smtp.waitForMessages(2);
  });

  it('a revoked sign-in stops the connection with "needs sign-in"', async () => {
    const ctx = memoryContext(`mail-${++counter}`, settings());
    expect((await emailConnector.signIn!(ctx, browser)).ok).toBe(true);
    authority.authority.revokeAll();
    const error = await emailConnector.deliver(doc(), client, ctx).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
    expect((error as Error).message).toContain('Sign in to Microsoft 365 again');
    expect(smtp.dataAttempts).toBe(0);
  });

  it('a token the mail server keeps refusing after a refresh (SMTP not allowed for the mailbox): needs sign-in, naming the fix', async () => {
    const ctx = memoryContext(`mail-${++counter}`, { ...settings(), from: 'other@fiduciaire.example.test' });
    const result = await emailConnector.signIn!(ctx, browser);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^Signed in to Microsoft 365\. .* But the mail server does not accept it yet: .* refused the sign-in of other@fiduciaire\.example\.test/);
    const error = await emailConnector.deliver(doc(), client, ctx).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error).toMatchObject({ failure: 'fatal-connection', code: NEEDS_SIGN_IN });
    expect(error!.message).toContain('535');
    expect(error!.message).toContain(`ledgerdrop connections sign-in ${ctx.connectionId}`);
    expect(error!.message).toContain('Authenticated SMTP');
  });

  it('a mail server that does not offer XOAUTH2: fatal, says so', async () => {
    const plain = await startSmtpServer();
    const plainCa = path.join(temp.make(), 'plain-ca.pem');
    writeFileSync(plainCa, plain.caCert);
    try {
      const ctx = memoryContext(`mail-${++counter}`, settings());
      expect((await emailConnector.signIn!(ctx, browser)).ok).toBe(true);
      ctx.settings = { ...settings(), host: plain.host, port: plain.port, caFile: plainCa };
      const error = await emailConnector.deliver(doc(), client, ctx).then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );
      expect(error).toMatchObject({ failure: 'fatal-connection', code: 'auth-not-offered' });
      expect(error!.message).toContain('does not offer sign-in with an account token (XOAUTH2)');
    } finally {
      await plain.stop();
    }
  });

  it('not signed in yet: test and delivery say to sign in; a password connection has no browser sign-in', async () => {
    const ctx = memoryContext(`mail-${++counter}`, settings());
    const test = await emailConnector.test(ctx);
    expect(test.ok).toBe(false);
    expect(test.message).toContain('Sign in to Microsoft 365');
    const password = await emailConnector.signIn!(memoryContext('pw', { host: smtp.host, from: MAILBOX }), browser);
    expect(password).toMatchObject({ ok: false });
    expect(password.message).toContain('signs in with a password');
  });
});
