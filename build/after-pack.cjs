// electron-builder afterPack hook: flips the Electron fuses of the packed app before it is signed.
// https://www.electronjs.org/docs/latest/tutorial/fuses
//   RunAsNode off                          ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node
//   EnableNodeOptionsEnvironmentVariable   NODE_OPTIONS / NODE_EXTRA_CA_CERTS are ignored
//   EnableNodeCliInspectArguments off      --inspect and SIGUSR1 cannot attach a debugger
//   OnlyLoadAppFromAsar on                 only resources/app.asar is loaded, never a loose app/ folder
//   EnableEmbeddedAsarIntegrityValidation  the asar is checked against the hash in the binary (macOS, Windows)
//   GrantFileProtocolExtraPrivileges off   the UI is served from app://, file:// needs no extra rights
// The engine runs in a utilityProcess, so nothing in the app needs RunAsNode.
// Packaging fails when @electron/fuses (a dependency of electron-builder) is missing: an app without
// these fuses must not ship by accident.

/** @param {import('app-builder-lib').AfterPackContext} context */
exports.default = async function afterPack(context) {
  let fuses;
  try {
    fuses = await import('@electron/fuses');
  } catch (error) {
    throw new Error(`@electron/fuses is not installed, so the Electron fuses cannot be flipped: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { FuseVersion, FuseV1Options } = fuses;
  const wanted = {
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
  // electron-builder knows the executable's name and extension per platform.
  await context.packager.addElectronFuses(context, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === 3, // Arch.arm64
    ...wanted,
  });
  console.log(`  • fuses flipped for ${context.electronPlatformName}: ${Object.keys(wanted).map((k) => `${FuseV1Options[k]}=${wanted[k]}`).join(', ')}`);
};
