import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Unit tests (Pulumi mocks) and artifact tests (real validators). The e2e suite has its own runner.
    include: [
      "test/unit/**/*.test.ts",
      "test/artifacts/**/*.test.ts",
      "test/hostile/**/*.test.ts",
      "components/**/*.test.ts",
      "engine/**/*.test.ts",
    ],
    // Pulumi's runtime is process-global: every test file gets its own process.
    pool: "forks",
    testTimeout: 60_000,
  },
});
