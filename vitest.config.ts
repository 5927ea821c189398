import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**/*.test.ts); integration tests live in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite runs in-process and is memory-hungry; two workers fit the 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
