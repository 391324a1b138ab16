// Lint for the extension's TypeScript and its tests (run by `jlpm lint`, part of `make test-js`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/', 'node_modules/', '.yarn/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      // the notebook model's metadata API takes untyped JSON; index.ts casts at that boundary only
      '@typescript-eslint/no-explicit-any': 'off',
      eqeqeq: 'error',
      'prefer-const': 'error',
      'no-var': 'error',
      curly: 'error'
    }
  },
  {
    files: ['test/**/*.mjs', 'scripts/**/*.js', 'eslint.config.mjs'],
    languageOptions: {
      globals: { require: 'readonly', process: 'readonly', structuredClone: 'readonly', URL: 'readonly' }
    }
  },
  {
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', console: 'readonly', __dirname: 'readonly', module: 'writable' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
);
