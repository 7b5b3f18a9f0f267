#!/usr/bin/env node
// Entry point of the `ledgerdrop` command. The engine is TypeScript run directly by Node 24's type
// stripping, so check the Node version before loading anything else.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`ledgerdrop: needs Node 24 or newer, this is Node ${process.versions.node}. Install Node 24 (the version Electron 45 embeds) and try again.\n`);
  process.exit(1);
}
const { runCli } = await import('../src/main/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
