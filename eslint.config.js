// Type-checked lint rules over everything TypeScript in the repository.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// The layers of docs/ARCHITECTURE.md, bottom up. Imports point down only; the zones below forbid every
// upward import, so the picture there cannot silently stop being true.
const BASE = ['core', 'policy', 'mounts'];
const EDGES = ['engine', 'catalog', 'config', 'targets', 'archive'];
const SERVICES = ['inventory', 'lifecycle', 'backup', 'doctor', 'jobs', 'history', 'schedules'];
const FACES = ['cli', 'api', 'daemon', 'plugin'];
const dirs = (names) => names.map((name) => `./src/${name}`);
const zone = (targets, from, message) =>
  targets.map((target) => ({ target: `./src/${target}`, from: dirs(from), message }));
const LAYER_ZONES = [
  ...zone(
    ['core'],
    [...BASE.slice(1), ...EDGES, ...SERVICES, ...FACES],
    'core/ imports nothing else of Stowage',
  ),
  ...zone(['policy', 'mounts'], [...EDGES, ...SERVICES, ...FACES], 'pure modules import only core/'),
  ...zone(['policy'], ['mounts'], 'pure modules import only core/'),
  ...zone(['mounts'], ['policy'], 'pure modules import only core/'),
  ...zone(
    EDGES,
    [...SERVICES, ...FACES],
    'the I/O edges (engine, catalog, config, targets, archive) import no service or face',
  ),
  ...zone(SERVICES, FACES, 'services import no face (cli, api, daemon, plugin)'),
  ...zone(
    ['api'],
    ['daemon', 'cli', 'plugin', 'engine'],
    'the API declares its backend and knows no engine: the daemon implements it',
  ),
  ...zone(
    ['plugin'],
    ['engine', 'cli', 'api', 'daemon'],
    'the plugin is called by the engine and never calls it',
  ),
  ...zone(['daemon'], ['cli', 'plugin'], 'the daemon is started by the CLI and never imports it'),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYER_ZONES }],
    },
  },
  {
    // node:test's describe/test return promises the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain JavaScript runs on Node: its globals are defined.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
  },
  // The bin is CommonJS on purpose (see its header).
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
