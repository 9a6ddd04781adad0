module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  plugins: ['@typescript-eslint', 'simple-import-sort'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/eslint-recommended',
    'plugin:@typescript-eslint/recommended',
  ],
  env: {node: true, es2022: true},
  ignorePatterns: ['/bin/', '/lib/', '/out/', '/node_modules/'],
  rules: {
    '@typescript-eslint/no-explicit-any': 'off',
    '@typescript-eslint/no-unused-vars': ['error', {args: 'after-used', argsIgnorePattern: '^_'}],
    'simple-import-sort/imports': 'error',
    'simple-import-sort/exports': 'error',
    'no-constant-condition': ['error', {checkLoops: false}],
    eqeqeq: ['error', 'smart'],
  },
  overrides: [
    {files: ['test/**/*.ts'], rules: {'@typescript-eslint/no-non-null-assertion': 'off'}},
  ],
};
