// Type-checked lint rules over everything TypeScript in the repository.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// The layers of docs/ARCHITECTURE.md, bottom up. A folder may import its own layer's folders (except in the
// shared basics, which import only core/) and any layer below; the zones forbid every other import, so the
// picture there cannot silently stop being true.
const LAYERS = [
  { name: 'core', folders: ['core'] },
  { name: 'shared basics', folders: ['policy', 'mounts', 'ssh'], isolated: true },
  { name: 'I/O edges', folders: ['engine', 'catalog', 'config', 'targets', 'archive', 'notify', 'crypto'] },
  {
    name: 'services',
    folders: ['inventory', 'lifecycle', 'backup', 'doctor', 'jobs', 'history', 'schedules'],
  },
  { name: 'faces', folders: ['cli', 'api', 'daemon', 'plugin'] },
];
const dirs = (names) => names.map((name) => `./src/${name}`);
const zone = (targets, from, message) =>
  targets.map((target) => ({ target: `./src/${target}`, from: dirs(from), message }));
const LAYER_ZONES = [
  ...LAYERS.flatMap((layer, index) => {
    const above = LAYERS.slice(index + 1).flatMap((upper) => upper.folders);
    return layer.folders.flatMap((folder) => {
      const siblings = layer.isolated ? layer.folders.filter((other) => other !== folder) : [];
      const from = [...above, ...siblings];
      return from.length
        ? zone([folder], from, `${folder}/ is in the ${layer.name} layer: it imports only from below`)
        : [];
    });
  }),
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
