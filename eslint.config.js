// Lint is part of `npm test`: type-aware rules catch floating promises and unsafe any.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The replica environment has one owner, the SDK's platform-env-names.js: a `BRICKS_*` name
 * anywhere else, in a string, a template, `env.BRICKS_X` or `{ BRICKS_X: ... }`, fails. Not
 * the replica's and so not in it: the CLI launcher's own switches (BRICKS_TSX, BRICKS_DEBUG, in
 * bin/bricks.js) and the test and bench scripts' knobs (BRICKS_TEST_*, BRICKS_BENCH_*).
 */
const OWNER = 'packages/sdk/src/config/platform-env-names.js';
const NOT_REPLICA = '(?!(TSX|DEBUG|TEST_[A-Z0-9_]+|BENCH_[A-Z0-9_]+)\\b)';
const inText = `/\\bBRICKS_${NOT_REPLICA}[A-Z]/`;
const asName = `/^BRICKS_${NOT_REPLICA}[A-Z]/`;
const message = `Name the replica's environment variables through @bricks/sdk/platform-env (${OWNER}).`;
const replicaEnvNames = [
  'error',
  { selector: `Literal[value=${inText}]`, message },
  { selector: `TemplateElement[value.raw=${inText}]`, message },
  { selector: `MemberExpression[computed=false] > Identifier.property[name=${asName}]`, message },
  { selector: `Property[computed=false] > Identifier.key[name=${asName}]`, message },
  { selector: `TSPropertySignature[computed=false] > Identifier.key[name=${asName}]`, message },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/gen/**', '**/.bricks/**', '**/.cache/**', '.tmp/**', 'bench/.work/**', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  // The dashboard's browser code has its own project (the DOM, Preact's JSX).
  {
    files: ['packages/bricks/src/dashboard/ui/**/*.ts', 'packages/bricks/src/dashboard/ui/**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './packages/bricks/src/dashboard/ui/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // Plain JavaScript (the launchers, fixtures, scripts) is checked for this rule alone: it has no
  // types for the rules above. A later `no-restricted-syntax` for these files would replace
  // this one's list, not add to it: add to `replicaEnvNames` instead.
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    // bench/rolling/replica.mjs is copied alone into the Swarm side's image, and
    // test/fixtures/echo-service.mjs into projects outside this repository, where no SDK is
    // installed: they read BRICKS_REPLICA as any program would.
    ignores: [OWNER, 'bench/rolling/replica.mjs', 'test/fixtures/echo-service.mjs'],
    rules: { 'no-restricted-syntax': replicaEnvNames },
  },
);
