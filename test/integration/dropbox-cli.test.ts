/**
 * Dropbox through the real `ledgerdrop` command, a real Secret Service and the faithful Dropbox
 * fake: `config apply` → `connections sign-in` (the URL it prints, opened by a consenting
 * "browser" that follows the redirect to the loopback listener) → `run --once` delivers the corpus
 * invoices and statements; revocation stops the connection until the next sign-in; a headless
 * server gets its refresh token from an environment variable. Tokens never leave the keychain.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE } from '../../src/main/secrets/keyring-store.ts';
import { CLI, REPO_ROOT, runLedgerdrop } from '../helpers/cli.ts';
import { corpusDir, corpusFiles } from '../helpers/corpus.ts';
import { getFreePort } from '../helpers/free-port.ts';
import { startSecretService, type SecretService } from '../helpers/secret-service.ts';
import { tempDirs } from '../helpers/temp.ts';
import { startDropboxFake, type DropboxFake } from '../fakes/dropbox.ts';

const corpus = corpusDir();
if (!corpus) console.warn('Corpus folder absent (LEDGERDROP_CORPUS or ../shared/corpus): the Dropbox scenario tests are skipped.');
const temp = tempDirs();
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let service: SecretService;
let fake: DropboxFake;
let redirectPort: number;

beforeAll(async () => {
  service = await startSecretService();
  redirectPort = await getFreePort();
  fake = await startDropboxFake({ redirectUris: [`http://127.0.0.1:${redirectPort}/`] });
});
afterAll(async () => {
  await fake?.close();
  await service?.stop();
});
afterEach(() => {
  fake.clearFaults();
  temp.cleanup();
});

interface Setup {
  root: string;
  home: string;
  watch: string;
  env: NodeJS.ProcessEnv;
  /** Addresses the engine asked the system browser to open. */
  opened(): string[];
}

function setup(): Setup {
  const root = temp.make();
  const home = join(root, 'home');
  const watch = join(root, 'acme');
  mkdirSync(watch);
  // The "system browser" xdg-open starts: it only notes the address (the test acts as the user).
  const browser = join(root, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> "${join(root, 'opened.txt')}"\n`);
  chmodSync(browser, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, ...service.env, LEDGERDROP_TEST_ENDPOINTS: JSON.stringify(fake.testEndpoints), BROWSER: browser };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return { root, home, watch, env, opened: () => (existsSync(join(root, 'opened.txt')) ? readFileSync(join(root, 'opened.txt'), 'utf8').split('\n').filter(Boolean) : []) };
}

function config(s: Setup, connection: Record<string, unknown> = {}): string {
  const file = join(s.root, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      connections: [
        {
          id: 'dbx',
          service: 'dropbox',
          name: 'Dropbox of the office',
          families: ['invoices', 'statements'],
          settings: { appKey: fake.appKey, folder: '/Boekhouding', redirectPort },
          ...connection,
        },
      ],
      clients: [{ id: 'acme', name: 'ACME BV', identifiers: ['BE0000000196'], accountingFileId: 'ACME01', connection: 'dbx', activate: ['invoices', 'statements'], watchFolders: [{ path: s.watch }] }],
    }),
  );
  return file;
}

/**
 * `ledgerdrop connections sign-in dbx`, with the test as the user: reads the address it prints on
 * stderr, opens it (following Dropbox's redirect to the loopback listener) and returns what the
 * browser showed and how the command ended.
 */
async function signIn(s: Setup): Promise<{ code: number | null; stdout: string; stderr: string; url: string; page: { status: number; html: string } }> {
  const child = spawn(process.execPath, [CLI, '--home', s.home, 'connections', 'sign-in', 'dbx'], { cwd: REPO_ROOT, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const match = /https?:\/\/\S+\/oauth2\/authorize\?\S+/.exec(stderr);
        if (match) resolve(match[0]);
      });
      void exited.then(() => reject(new Error(`sign-in ended before printing an address: ${stderr}`)));
    });
    const response = await fetch(url, { redirect: 'follow' });
    const page = { status: response.status, html: await response.text() };
    const code = await exited;
    return { code, stdout, stderr, url, page };
  } finally {
    clearTimeout(killer);
  }
}

/** Every byte Ledgerdrop wrote under a folder. */
function allBytesUnder(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => (statSync(join(dir, name)).isDirectory() ? allBytesUnder(join(dir, name)) : readFileSync(join(dir, name)))));
}

async function keychainValue(home: string, key: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const status = JSON.parse((await runLedgerdrop(['--home', home, 'status', '--json'], { env })).stdout) as { installationId: string };
  return service.lookup({ service: KEYCHAIN_SERVICE, username: `${status.installationId}/connection.dbx.${key}` });
}

async function connectionStatus(s: Setup): Promise<{ status: string; statusMessage: string | null }> {
  const list = JSON.parse((await runLedgerdrop(['--home', s.home, 'connections', '--json'], { env: s.env })).stdout) as { id: string; status: string; statusMessage: string | null }[];
  return list.find((c) => c.id === 'dbx')!;
}

describe('Dropbox from the command line', () => {
  it.skipIf(!corpus)('config apply → sign-in in the browser → run --once delivers the corpus invoices and statements, exactly once', async () => {
    const s = setup();
    expect((await runLedgerdrop(['--home', s.home, 'config', 'apply', config(s)], { env: s.env })).code).toBe(0);

    // Before signing in, the test says so.
    const before = await runLedgerdrop(['--home', s.home, 'connections', 'test', 'dbx'], { env: s.env });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('Problem: Sign in to Dropbox: this connection is not signed in to Dropbox yet');

    const signedIn = await signIn(s);
    expect(signedIn.stderr).toContain('Sign in on this page (it opens in your browser if there is one):');
    const authorize = new URL(signedIn.url);
    expect(authorize.origin).toBe(fake.origin('www'));
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: fake.appKey,
      response_type: 'code',
      redirect_uri: `http://127.0.0.1:${redirectPort}/`,
      code_challenge_method: 'S256',
      token_access_type: 'offline',
      scope: 'files.metadata.read files.content.write',
    });
    expect(signedIn.page.status).toBe(200);
    expect(signedIn.page.html).toContain('Signed in to Dropbox');
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(signedIn.stdout).toContain('OK: Signed in to Dropbox.');
    // The engine also asked the system browser to open it (a program it starts and does not wait
    // for: under load its line may land a moment after the sign-in finished).
    await expect.poll(() => s.opened(), { timeout: 10_000 }).toEqual([signedIn.url]);

    // The refresh token is in the keychain, and is one the Dropbox fake issued for this sign-in.
    const refreshToken = (await keychainValue(s.home, 'refreshToken', s.env))!;
    expect(fake.oauth.refreshTokens.get(refreshToken)).toMatchObject({ clientId: fake.appKey, revoked: false });

    const test = await runLedgerdrop(['--home', s.home, 'connections', 'test', 'dbx'], { env: s.env });
    expect(test.stdout).toContain('OK: Signed in to Dropbox. The folder /Boekhouding does not exist yet');

    // The corpus: every e-FFF invoice and CODA / camt.053 statements, dropped after activation.
    const sources = [...corpusFiles('efff'), ...corpusFiles('coda').slice(0, 6), ...corpusFiles('camt053').slice(0, 4)];
    for (const file of sources) copyFileSync(file, join(s.watch, file.split('/').at(-1)!));
    const first = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env, timeoutMs: 60_000 });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const outcome = JSON.parse(first.stdout) as { scanned: { added: number; queued: number; files: { name: string; queued: number }[] }; delivered: { done: number; waiting: number; failed: number } };
    expect(outcome.scanned.added).toBe(sources.length);
    // The pipeline holds documents it cannot route for review (one corpus invoice names neither party
    // as the client); everything it queued is delivered.
    const queued = new Set(outcome.scanned.files.filter((f) => f.queued > 0).map((f) => f.name));
    expect(queued.size).toBeGreaterThanOrEqual(sources.length - 2);
    expect(outcome.delivered).toEqual({ done: queued.size, waiting: 0, failed: 0 });
    const delivered = sources.filter((file) => queued.has(file.split('/').at(-1)!));

    for (const file of delivered) {
      const name = file.split('/').at(-1)!;
      const family = file.includes('/efff/') ? 'invoices' : 'statements';
      const stored = fake.file(`/Boekhouding/ACME01/${family}/${name}`);
      expect(stored, name).toBeDefined();
      expect(sha(stored!.bytes), name).toBe(sha(readFileSync(file)));
    }
    expect(fake.paths().filter((p) => p.startsWith('/Boekhouding/'))).toHaveLength(delivered.length);
    expect(fake.calls('files/upload').filter((c) => c.status === 200 && c.argHeader?.includes('/Boekhouding/'))).toHaveLength(delivered.length);

    const second = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env });
    expect(JSON.parse(second.stdout)).toMatchObject({ delivered: { done: 0, waiting: 0, failed: 0 } });
    expect(fake.paths().filter((p) => p.startsWith('/Boekhouding/'))).toHaveLength(delivered.length);

    // Tokens: keychain only — not in the data folder (database, WAL, settings, logs), not in any output.
    const accessToken = (JSON.parse((await keychainValue(s.home, 'accessToken', s.env))!) as { token: string }).token;
    expect(fake.oauth.check(accessToken).ok).toBe(true);
    const written = allBytesUnder(s.home);
    for (const secret of [refreshToken, accessToken]) {
      expect(written.includes(Buffer.from(secret))).toBe(false);
      for (const output of [signedIn.stdout, signedIn.stderr, first.stdout, first.stderr, test.stdout]) expect(output).not.toContain(secret);
    }
    const exported = await runLedgerdrop(['--home', s.home, 'config', 'export'], { env: s.env });
    expect(exported.stdout).not.toContain(refreshToken);
    const activity = await runLedgerdrop(['--home', s.home, 'activity', '--json'], { env: s.env });
    expect(activity.stdout).not.toContain(refreshToken);
    expect(activity.stdout).not.toContain(accessToken);
  });

  it.skipIf(!corpus)('a revoked sign-in stops the connection ("needs sign-in") until the user signs in again', async () => {
    const s = setup();
    expect((await runLedgerdrop(['--home', s.home, 'config', 'apply', config(s)], { env: s.env })).code).toBe(0);
    expect((await signIn(s)).code).toBe(0);

    fake.oauth.revokeAll(); // the user removed Ledgerdrop under Dropbox → Settings → Connected apps
    writeFileSync(join(s.watch, 'after-revoke.cod'), readFileSync(corpusFiles('coda')[0]!));
    const stopped = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env });
    expect(stopped.code).toBe(3);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ delivered: { done: 0, waiting: 1 } });
    const status = await connectionStatus(s);
    expect(status.status).toBe('needs-sign-in');
    expect(status.statusMessage).toBe(
      "Sign in to Dropbox again: Dropbox no longer accepts this connection's sign-in (it was revoked, expired, or the account's password changed). Use Sign in on the connection, or run `ledgerdrop connections sign-in dbx`.",
    );
    expect(fake.paths().some((p) => p.endsWith('after-revoke.cod'))).toBe(false);

    const again = await signIn(s);
    expect(again.code).toBe(0);
    expect((await connectionStatus(s)).status).toBe('connected');
    const resumed = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(fake.paths().some((p) => p.endsWith('/ACME01/statements/after-revoke.cod'))).toBe(true);
  });

  it.skipIf(!corpus)('headless: a refresh token from an environment variable through config apply, never stored outside the keychain', async () => {
    const s = setup();
    const refreshToken = fake.oauth.issueRefreshToken(fake.appKey);
    const env = { ...s.env, DROPBOX_REFRESH_TOKEN: refreshToken };
    const file = config(s, { settings: { appKey: fake.appKey, folder: '/Headless' }, secrets: { refreshToken: { env: 'DROPBOX_REFRESH_TOKEN' } } });
    const applied = await runLedgerdrop(['--home', s.home, 'config', 'apply', file], { env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await keychainValue(s.home, 'refreshToken', s.env)).toBe(refreshToken);

    const source = corpusFiles('efff')[0]!;
    copyFileSync(source, join(s.watch, 'headless.xml'));
    const run = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.file('/Headless/ACME01/invoices/headless.xml')?.bytes.equals(readFileSync(source))).toBe(true);
    expect(allBytesUnder(s.home).includes(Buffer.from(refreshToken))).toBe(false);
  });

  it.skipIf(!corpus)('delivers in the "UBL: e-FFF 3.0" format with the PDF alongside', async () => {
    const s = setup();
    const file = config(s, { format: 'ubl-be', pdfAlongside: true, families: ['invoices'], settings: { appKey: fake.appKey, folder: '/UBLBE', redirectPort } });
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { clients: { activate: string[] }[] };
    parsed.clients[0]!.activate = ['invoices'];
    writeFileSync(file, JSON.stringify(parsed));
    expect((await runLedgerdrop(['--home', s.home, 'config', 'apply', file], { env: s.env })).code).toBe(0);
    expect((await signIn(s)).code).toBe(0);
    const source = join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml');
    copyFileSync(source, join(s.watch, 'V01-15000001.xml'));
    const run = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { env: s.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.paths().filter((p) => p.startsWith('/UBLBE/'))).toEqual(['/UBLBE/ACME01/invoices/V01-15000001.pdf', '/UBLBE/ACME01/invoices/V01-15000001.xml']);
    expect(fake.file('/UBLBE/ACME01/invoices/V01-15000001.pdf')!.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
