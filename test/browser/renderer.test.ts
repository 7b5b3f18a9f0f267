/**
 * The built renderer (out/renderer) in Debian's Chromium, served over http with the app's CSP,
 * talking to a real engine on a temp data folder through `window.ledgerdrop`.
 * Build first: `npm run build` (npm test does it before vitest).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine/engine.ts';
import { tempDirs } from '../helpers/temp.ts';
import { installLedgerdropBridge } from './ledgerdrop-bridge.ts';
import { serveDirectory, type StaticServer } from './static-server.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const rendererDir = join(projectRoot, 'out', 'renderer');
const screenshotPath = join(projectRoot, 'test-results', 'renderer.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const temp = tempDirs('ledgerdrop-renderer-');
let home: string;
let engine: Engine;
let server: StaticServer;
let browser: Browser;
let page: Page;
let stopEvents: () => void = () => {};
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The built renderer is missing (${rendererDir}/index.html). Run \`npm run build\` first; \`npm test\` builds before it runs the tests.`);
  }
  home = temp.make();
  engine = await createEngine({ home });
  server = await serveDirectory(rendererDir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 780 }, locale: 'en-US', colorScheme: 'light' });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  stopEvents = await installLedgerdropBridge(page, engine);
  await page.goto(server.url);
});

afterAll(async () => {
  stopEvents();
  await browser?.close();
  await server?.close();
  await engine?.close();
  temp.cleanup();
});

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('renderer against a real engine', () => {
  it('shows the engine status of its data folder', async () => {
    const homeCell = page.getByTestId('engine-home');
    await homeCell.waitFor();
    expect(await homeCell.textContent()).toBe(home);
    const status = await page.getByTestId('engine-status').innerText();
    expect(status).toContain('Ready');
    expect(status).toContain('0.1.0');
    expect(status).toContain('Secret Service');
    expect(await text('h1')).toBe('Ledgerdrop');
  });

  it('runs the doctor from the keyboard and lists the four checks with their fixes', async () => {
    // Tab from the top of the page to the button, as a keyboard user would.
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'Check this computer'; i += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Check this computer');
    await page.keyboard.press('Enter');

    const checks = page.locator('li[data-check]');
    await checks.nth(3).waitFor();
    expect(await checks.evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { check: string } }).dataset.check))).toEqual(['node', 'home', 'database', 'keychain']);
    const byId = async (id: string) => page.locator(`li[data-check="${id}"]`).innerText();
    expect(await byId('home')).toContain(home);
    expect(await byId('home')).toContain('OK');
    expect(await byId('database')).toContain('OK');
    // No Secret Service on this machine: the keychain check fails and says what to do.
    const keychain = await byId('keychain');
    const report = await engine.invoke('doctor', {});
    const engineKeychain = report.checks.find((c) => c.id === 'keychain');
    expect(keychain).toContain(engineKeychain?.ok ? 'OK' : 'Problem');
    if (engineKeychain?.fix) expect(keychain).toContain(engineKeychain.fix);
  });

  it('switches to French and Dutch, and keeps the choice in the engine', async () => {
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('button', { name: 'Vérifier cet ordinateur' }).waitFor();
    expect(await text('h2')).toBe('Moteur');
    expect(await page.locator('li[data-check="home"] h3').innerText()).toBe('Dossier de données');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');
    expect((await engine.invoke('settings.get', {})).language).toBe('fr');

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('button', { name: 'Controleer deze computer' }).waitFor();
    expect(await text('h2')).toBe('Motor');
    expect(await page.getByTestId('engine-status').innerText()).toContain('Gegevensmap');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    expect((await engine.invoke('settings.get', {})).language).toBe('nl');
  });

  it('follows engine events: a language set elsewhere (the CLI, the tray) reaches the page', async () => {
    await engine.invoke('settings.set', { patch: { language: 'en' } });
    await page.getByRole('button', { name: 'Check this computer' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('rejects a call the contract refuses with a plain { code, message }, as the preload does', async () => {
    const outcome = await page.evaluate(async () => {
      const api = (globalThis as unknown as { ledgerdrop: { settingsSet(input: unknown): Promise<unknown> } }).ledgerdrop;
      try {
        await api.settingsSet({ patch: { language: 'de' } });
        return null;
      } catch (error) {
        return error as { code: string; message: string };
      }
    });
    expect(outcome).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('patch.language') });
    expect((await engine.invoke('settings.get', {})).language).toBe('en');
  });

  it('looks right, and the page reported no errors or CSP violations', async () => {
    mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(existsSync(screenshotPath)).toBe(true);
    expect(problems).toEqual([]);
  });
});
