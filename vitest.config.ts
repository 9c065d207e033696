import { defineConfig } from 'vitest/config'

// Tests start real processes (python trainers, libp2p nodes); on a 2-core machine running
// files in parallel only makes each of them slower and their timeouts flaky.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
