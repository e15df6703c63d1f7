import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    globalSetup: ['test/build-dist.ts'],
    // Property tests and whole-library runs are CPU-bound; keep the 2-core machine usable.
    maxWorkers: 2,
  },
});
