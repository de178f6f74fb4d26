import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers of libs/, lowest first (docs/design.md, "Layers"). A library imports only libraries of
 * a LOWER layer, as `#name`; never a library of its own or a higher layer, never an application
 * (apps/), never the tests, and never another library's files by a relative path. Applications and
 * tests import any library. A new library goes into the layer just above the highest one it imports.
 */
const LIB_LAYERS = [
  ['common', 'config'],
  ['audit', 'live', 'platform'],
  ['database'],
  ['notifications', 'queue'],
  ['identity'],
  ['calendar', 'catalogue', 'companies', 'files', 'licences'],
  ['reports', 'sla'],
  ['requests'],
  ['webhooks'],
];

const libsOnDisk = readdirSync(new URL('./libs/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const unplaced = libsOnDisk.filter((name) => !LIB_LAYERS.flat().includes(name));
if (unplaced.length > 0) {
  throw new Error(`eslint.config.js: put libs/${unplaced.join(', libs/')} into LIB_LAYERS`);
}

const noSynchronize = {
  selector: "Property[key.name='synchronize'][value.value=true]",
  message: 'Migrations only: synchronize must stay false.',
};

/**
 * Every transaction of the apps and libraries names its isolation level: `readCommitted(...)` for
 * READ COMMITTED, the level every session of the apps' pools starts at (libs/database/src/transactions.ts),
 * and `transaction('REPEATABLE READ' | 'SERIALIZABLE', ...)` for another. A transaction without a level
 * would run at whatever the session's is; 'READ COMMITTED' spelled out costs a needless round trip.
 */
const namedIsolation = [
  {
    selector: "CallExpression[callee.property.name='transaction'][arguments.length=1]",
    message:
      "Name the transaction's isolation: readCommitted(dataSource, work) (#database), or transaction('REPEATABLE READ', work).",
  },
  {
    selector:
      "CallExpression[callee.property.name='transaction'] > Literal.arguments:first-child[value='READ COMMITTED']",
    message:
      'The sessions are at READ COMMITTED already: readCommitted(dataSource, work) (#database) starts one without a SET round trip.',
  },
];

/** The import rules of one library: everything it must not reach. */
function layerRules(lib, level) {
  const below = LIB_LAYERS.slice(0, level).flat();
  const notBelow = LIB_LAYERS.slice(level).flat();
  const allowed = below.length > 0 ? below.map((name) => `#${name}`).join(', ') : 'no other library';
  const upward = `^#(${notBelow.join('|')})(/|$)`;
  const upwardMessage = `libs/${lib} (layer ${level}) may import only ${allowed}: a library never imports its own #name, one of its layer or one above it (LIB_LAYERS in eslint.config.js, docs/design.md).`;
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: upward, message: upwardMessage },
          {
            regex: '(^|/)(apps|test)(/|$)',
            message: 'A library never imports an application or a test: move what both need into a library.',
          },
          {
            regex: '^(\\.\\./)+(libs/)?[a-z-]+/src(/|$)',
            message: "Another library's files are reached through its #name only.",
          },
        ],
      },
    ],
    'no-restricted-syntax': [
      'error',
      noSynchronize,
      ...namedIsolation,
      { selector: `ImportExpression > Literal[value=/^#(${notBelow.join('|')})$/]`, message: upwardMessage },
    ],
  };
}

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', 'test-results/', 'apps/web/dist/', 'apps/web/src/api/schema.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    // The console (apps/web): React's rules of hooks.
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        crypto: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      // Nest's injection reads constructor parameter types from emitDecoratorMetadata: a class
      // imported only "as a type" would vanish from the emitted code and break injection.
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noSynchronize],
    },
  },
  {
    files: ['apps/{api,worker,cli,bench}/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', noSynchronize, ...namedIsolation] },
  },
  ...LIB_LAYERS.flatMap((layer, level) =>
    layer.map((lib) => ({ files: [`libs/${lib}/**/*.{ts,js}`], rules: layerRules(lib, level) })),
  ),
);
