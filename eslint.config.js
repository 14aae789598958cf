// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * `internal/` folders are private to their parent: a module in `a/b/internal/` may be imported
 * from `a/b/` and below only. A hand-written rule, as no-restricted-imports matches the import's
 * text and cannot say where the importing file is.
 * @type {import('eslint').Rule.RuleModule}
 */
const privateInternal = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const check = (/** @type {any} */ node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(context.filename), source);
      const parts = target.split(sep);
      const at = parts.lastIndexOf('internal');
      if (at < 0) return;
      const owner = parts.slice(0, at).join(sep);
      if (!relative(owner, context.filename).startsWith('..')) return;
      context.report({
        node: node.source,
        message: `${source} is private to ${relative(context.cwd, owner) || '.'}/: import what it exports from there.`,
      });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'List exports by name (no export *).' },
      ],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'liangzheng/private-internal': 'error',
    },
    plugins: { liangzheng: { rules: { 'private-internal': privateInternal } } },
  },
  {
    // Tests may reach into what they test.
    files: ['test/**/*.ts'],
    rules: { 'liangzheng/private-internal': 'off' },
  },
  {
    // The verifier is shipped to third parties and to the police app: it must never depend on
    // the authority's code. What both need lives in shared/.
    files: ['verifier/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/issuer', '**/issuer/**'],
              message: 'verifier/ must not import issuer/: move what both need to shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // An application issues credentials; credentials never reach back into applications.
    files: ['issuer/credentials/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/application', '**/application/**'],
              message:
                'credentials/ must not import application/ (application/ imports credentials/).',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ is the common ground; it depends on neither side.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/issuer', '**/issuer/**', '**/verifier', '**/verifier/**'],
              message: 'shared/ depends on neither issuer/ nor verifier/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
