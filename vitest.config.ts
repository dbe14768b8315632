import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run coverage` sets BEAMCHECK_COVERAGE=1: every import of src/ then loads the tsc build in
 * dist/src natively instead of through Vite's transform. c8 reads V8's coverage of the code that
 * actually ran; for transformed modules that is Vite's output, which c8 cannot map back to the
 * TypeScript (it would attribute hits to the wrong lines), while dist/*.js carries source maps on
 * disk that c8 follows to src/*.ts. The same build is what the CLI tests run in subprocesses.
 */
const coverage = process.env['BEAMCHECK_COVERAGE'] === '1';
const dist = fileURLToPath(new URL('./dist/src/', import.meta.url));

export default defineConfig({
  ...(coverage ? { resolve: { alias: [{ find: /^(?:\.\.\/)+src\/(.*)$/, replacement: `${dist}$1` }] } } : {}),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    ...(coverage ? { server: { deps: { external: [/\/dist\//] } } } : {}),
  },
});
