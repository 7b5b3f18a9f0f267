// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/**
 * The borders between runtimes (see ../shared/GUIDE.md §1):
 * - only src/main/electron and src/preload may import `electron`;
 * - the renderer imports only src/shared and its own files (never src/main, never Node);
 * - src/shared imports neither Node, nor the DOM, nor anything with side effects.
 * test/unit/lint-borders.test.ts proves each rule fires.
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noElectron = {
  name: 'electron',
  message: 'Only src/main/electron and src/preload may import electron: the engine must run in plain Node.',
};
const electronPaths = [noElectron, { ...noElectron, name: 'electron/main' }, { ...noElectron, name: 'electron/renderer' }, { ...noElectron, name: 'electron/common' }];

const nodeInBrowser = (where) =>
  nodeBuiltins.map((name) => ({ name, message: `${where} runs without Node: do not import Node built-ins here.` }));

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'fetch', 'XMLHttpRequest', 'WebSocket'];
const nodeGlobals = ['process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'setImmediate', 'module'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: electronPaths }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...electronPaths, ...nodeInBrowser('The renderer')],
          patterns: [
            { group: ['**/main/**', '**/main', '**/preload/**', '**/preload'], message: 'The renderer talks to the engine only through window.ledgerdrop (src/shared/api.ts), never by importing src/main or src/preload.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...nodeGlobals.map((name) => ({ name, message: 'The renderer has no Node.' }))],
    },
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...electronPaths, ...nodeInBrowser('src/shared'), { name: 'react', message: 'src/shared is the contract; UI code belongs in src/renderer.' }],
          patterns: [
            { group: ['**/main/**', '**/renderer/**', '**/preload/**', '../*'], message: 'src/shared may import only other src/shared modules and side-effect-free libraries (zod).' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({ name, message: 'src/shared runs in every process: no DOM APIs.' })),
        ...nodeGlobals.map((name) => ({ name, message: 'src/shared runs in every process: no Node APIs.' })),
      ],
    },
  },
);
