import { createConnection } from 'node:net';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectControl, controlSocketPath, serveControl } from '../../src/main/engine/control-socket.ts';
import { createEngine } from '../../src/main/engine/engine.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('control socket of a running engine', () => {
  it('answers operations through the contract, refuses bad ones with their reason, and only its owner can reach it', async () => {
    const home = temp.make();
    const engine = await createEngine({ home });
    const server = await serveControl(engine, home);
    try {
      if (process.platform !== 'win32') expect(statSync(controlSocketPath(home)).mode & 0o777).toBe(0o600);
      const remote = (await connectControl(home))!;
      expect(await remote.invoke('settings.get', {})).toMatchObject({ language: 'en' });
      await expect(remote.invoke('settings.set', { patch: { language: 'de' } })).rejects.toMatchObject({ code: 'invalid-input' });
      // @ts-expect-error not an operation of the contract
      await expect(remote.invoke('secrets.get', { name: 'x' })).rejects.toMatchObject({ code: 'unknown-operation' });
      remote.close();

      // A line that is not JSON gets an error reply, and the connection stays usable.
      const raw = createConnection(controlSocketPath(home));
      const replies: string[] = [];
      raw.on('data', (d: Buffer) => replies.push(...d.toString().trim().split('\n')));
      raw.write('this is not json\n{"id":7,"name":"engine.status","input":{}}\n');
      await new Promise((r) => setTimeout(r, 300));
      raw.end();
      const parsed = replies.map((l) => JSON.parse(l) as { id: unknown; ok: boolean; error?: { code: string } });
      expect(parsed.find((r) => r.id === null)).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(parsed.find((r) => r.id === 7)).toMatchObject({ ok: true });
    } finally {
      await server.close();
      await engine.close();
    }
    expect(await connectControl(home)).toBeNull();
  });
});
