/**
 * Benchmarks: `npm run bench -- NAME [options]`. Each compares Ledgerdrop with a peer tool measured
 * in the same run on the same data, and prints ratios. Results are also written to bench/results/.
 */
const benches: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  understanding: () => import('./understanding.ts'),
  pipeline: () => import('./pipeline.ts'),
  sftp: () => import('./sftp.ts'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await (await benches[name]!()).main(args);
