// ESLint flat config. Formatting is Prettier's job (.prettierrc.json); this file holds only correctness rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', '.evalspec/', 'tmp/', 'bench/results/', 'test/score/fixtures/syntax-error.mjs'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
  {
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose (a callback's position, a field dropped
      // from a rest copy with `const { a: _a, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The code writes two side effects under one `if` as a comma expression (`if (c) (where.push(..), args.push(..))`,
      // `endA--, endB--`), which this rule reports whatever its options; tsc already rejects a comma operand without a
      // side effect (TS2695), the case the rule is for.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // Published constants (Wichura's AS 241 coefficients, Godfrey's Lanczos coefficients, closed-form reference
    // values) keep every digit of their source so they can be checked against it; each literal rounds to the
    // nearest double, which is the intended value.
    files: ['src/stats/distributions.ts', 'src/stats/special-functions.ts', 'test/stats/distributions.test.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    // Tests read the CLI's JSON output and the fake providers' wire bodies as untyped data, and assert that
    // terminal output has (or has not) ANSI escapes and control characters.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    // The viewer's React front end.
    files: ['viewer-ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Scripts that drive Chromium pass callbacks to page.evaluate / waitForFunction, which run in the browser.
    files: ['bench/**/*.mjs', 'scripts/**/*.mjs', 'test/viewer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
