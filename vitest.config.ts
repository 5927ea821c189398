import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**/*.test.ts); integration tests live in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: CLI tests spawn a dozen real processes each, and CI machines are sometimes busy.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // PGlite runs in-process and is memory-hungry; two workers fit the 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
