import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * In `electron-vite dev` the renderer comes from Vite's dev server, whose React refresh preamble is
 * an inline script and whose HMR uses a WebSocket; relax the meta CSP for that server only.
 * Production builds keep src/renderer/index.html's policy unchanged.
 */
function devServerCsp(): Plugin {
  return {
    name: 'ledgerdrop:dev-server-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // Native addons stay external (they are loaded from node_modules, unpacked from the asar);
      // electron-store and conf are ESM-only dev dependencies and are bundled into the main process.
      externalizeDeps: { exclude: ['electron-store', 'conf'], include: ['better-sqlite3', '@napi-rs/keyring', 'chokidar'] },
      rolldownOptions: {
        input: {
          // The Electron main process: out/main/index.js (package.json "main").
          index: resolve(root, 'src/main/electron/main.ts'),
          // The engine, forked by the shell into a utilityProcess: out/main/engine-host.js.
          'engine-host': resolve(root, 'src/main/engine-host.ts'),
          // The headless agent / CLI as one bundle for servers: node out/main/cli.js run.
          cli: resolve(root, 'src/main/cli/entry.ts'),
          // Intake (reading, understanding, storing documents) in worker threads (src/main/intake/intake-workers.ts).
          'intake-worker': resolve(root, 'src/main/intake/intake-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but `electron`: one self-contained CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react(), devServerCsp()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
