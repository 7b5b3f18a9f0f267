/** The relay's checks (src/main/electron/ipc-guard.ts): who may call, and what. */
import { describe, expect, it } from 'vitest';
import { checkInvokeRequest, senderRejection, type SenderFacts } from '../../src/main/electron/ipc-guard.ts';
import { APP_ORIGIN } from '../../src/main/electron/url-policy.ts';
import { OPERATION_NAMES } from '../../src/shared/operation-names.ts';

const policy = { webContentsId: 7, origins: [APP_ORIGIN] };
const fromApp = (url: string, overrides: Partial<SenderFacts> = {}): SenderFacts => ({ webContentsId: 7, frame: { url, isMainFrame: true }, ...overrides });

describe('IPC sender check', () => {
  it('accepts the main frame of our window on app://ledgerdrop', () => {
    expect(senderRejection(fromApp('app://ledgerdrop/index.html'), policy)).toBeNull();
    expect(senderRejection(fromApp('app://ledgerdrop/'), policy)).toBeNull();
  });

  it('refuses another webContents, a gone frame and sub-frames', () => {
    expect(senderRejection(fromApp('app://ledgerdrop/index.html', { webContentsId: 8 }), policy)).toMatch(/not come from the Ledgerdrop window/);
    expect(senderRejection(fromApp('app://ledgerdrop/index.html'), { ...policy, webContentsId: null })).toMatch(/not come from/);
    expect(senderRejection({ webContentsId: 7, frame: null }, policy)).toMatch(/frame is gone/);
    expect(senderRejection({ webContentsId: 7, frame: { url: 'app://ledgerdrop/index.html', isMainFrame: false } }, policy)).toMatch(/sub-frame/);
  });

  it('compares whole origins, never prefixes', () => {
    for (const url of [
      'app://ledgerdrop.evil.example/index.html',
      'app://ledgerdropx/index.html',
      'app://evil@ledgerdrop.example/',
      'https://ledgerdrop/index.html',
      'http://localhost:5173/',
      'file:///opt/Ledgerdrop/resources/app.asar/out/renderer/index.html',
      'data:text/html,<script>1</script>',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(senderRejection(fromApp(url), policy), url).toMatch(/not on an allowed origin/);
    }
  });

  it('accepts the dev server only when it is in the policy', () => {
    const dev = { webContentsId: 7, origins: [APP_ORIGIN, 'http://localhost:5173'] };
    expect(senderRejection(fromApp('http://localhost:5173/'), dev)).toBeNull();
    expect(senderRejection(fromApp('http://localhost:5174/'), dev)).not.toBeNull();
    expect(senderRejection(fromApp('http://localhost:5173.evil.example/'), dev)).not.toBeNull();
  });
});

describe('IPC request check', () => {
  it('accepts every operation of the contract with valid input, and returns the parsed input', () => {
    expect(OPERATION_NAMES.length).toBeGreaterThan(0);
    expect(checkInvokeRequest('engine.status', {})).toEqual({ ok: true, name: 'engine.status', input: {} });
    expect(checkInvokeRequest('doctor', undefined)).toEqual({ ok: true, name: 'doctor', input: {} });
    expect(checkInvokeRequest('settings.set', { patch: { language: 'fr' } })).toEqual({ ok: true, name: 'settings.set', input: { patch: { language: 'fr' } } });
    expect(checkInvokeRequest('secrets.has', { name: 'sftp.acme' })).toMatchObject({ ok: true });
  });

  it('refuses unknown operations, including prototype names', () => {
    for (const name of ['engine.shutdown', 'constructor', '__proto__', 'toString', '', 42, null, undefined, { name: 'doctor' }]) {
      expect(checkInvokeRequest(name, {}), String(name)).toMatchObject({ ok: false, error: { code: 'unknown-operation' } });
    }
  });

  it('refuses input the contract rejects, and says where', () => {
    const extra = checkInvokeRequest('engine.status', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const language = checkInvokeRequest('settings.set', { patch: { language: 'de' } });
    expect(language.ok ? '' : language.error.message).toMatch(/^Invalid input for settings\.set: patch\.language/);
    expect(checkInvokeRequest('secrets.set', { name: '../etc', value: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(checkInvokeRequest('secrets.set', { name: 'ok', value: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(checkInvokeRequest('doctor', 'please')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
