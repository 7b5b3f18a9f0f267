/**
 * The electron-builder afterPack hook (build/after-pack.cjs) asks for the fuses we want. Packaging
 * itself needs the Electron binary from GitHub, so here the packager is a recorder.
 */
import { createRequire } from 'node:module';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('afterPack fuses', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and loads the app only from a validated asar', async () => {
    const { default: afterPack } = require('../../build/after-pack.cjs') as { default: (context: unknown) => Promise<void> };
    const calls: unknown[] = [];
    const context = {
      electronPlatformName: 'linux',
      arch: 1,
      appOutDir: '/tmp/linux-unpacked',
      packager: { addElectronFuses: async (_context: unknown, config: unknown) => void calls.push(config) },
    };
    await afterPack(context);
    expect(calls).toEqual([
      {
        version: FuseVersion.V1,
        resetAdHocDarwinSignature: false,
        [FuseV1Options.RunAsNode]: false,
        [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
        [FuseV1Options.EnableNodeCliInspectArguments]: false,
        [FuseV1Options.OnlyLoadAppFromAsar]: true,
        [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
        [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      },
    ]);
  });
});
