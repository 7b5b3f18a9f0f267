/**
 * The `ledgerdrop` command as one bundled file (out/main/cli.js, built by `npm run build`): what an
 * office server runs as the headless agent. It is the same code bin/ledgerdrop.mjs runs from source,
 * without loading the TypeScript stripper at every start (less memory, faster start).
 */
import { runCli } from './main.ts';

process.exitCode = await runCli(process.argv.slice(2));
