/**
 * Global setup of the `postgres` vitest project: one real PostgreSQL server on 127.0.0.1 (scripts/postgres/server.ts,
 * Debian's packages, installed when missing), provided to the tests as `postgres`; stopped and deleted at the end.
 * A server that cannot start fails the run (there is no skip: the packages install with apt like Ceph's).
 */
import type { TestProject } from "vitest/node";
import { startPostgres } from "../../scripts/postgres/server.ts";

export interface PostgresInfo {
  readonly port: number;
  readonly superuser: string;
  readonly password: string;
  readonly version: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  console.log(`[postgres] PostgreSQL ${server.version} on 127.0.0.1:${server.port}`);
  project.provide("postgres", { port: server.port, superuser: server.superuser, password: server.password, version: server.version });
  return () => server.stop();
}
