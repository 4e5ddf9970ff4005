import { defineConfig } from "vitest/config";

// The projects:
// - unit: pure logic, constructs and synthesized stacks, the proxy against in-process servers. No external services.
// - rgw: integration tests against a real single-node Ceph RGW on 127.0.0.1, started once by the global setup
//   (scripts/ceph-rgw/up.sh installs Debian's ceph packages when missing). Files are named *.rgw.test.ts.
// - postgres: tests against a real PostgreSQL on 127.0.0.1 (scripts/postgres/server.ts installs Debian's package
//   when missing). Files are named *.pg.test.ts.
// - mysql: tests against a real MariaDB on 127.0.0.1 (scripts/mysql/server.ts installs Debian's packages when
//   missing). Files are named *.mysql.test.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.rgw.test.ts", "test/**/*.pg.test.ts", "test/**/*.mysql.test.ts", "node_modules/**"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "rgw",
          include: ["test/**/*.rgw.test.ts"],
          globalSetup: ["test/support/rgw.global-setup.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "postgres",
          include: ["test/**/*.pg.test.ts"],
          globalSetup: ["test/support/postgres.global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "mysql",
          include: ["test/**/*.mysql.test.ts"],
          globalSetup: ["test/support/mysql.global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
