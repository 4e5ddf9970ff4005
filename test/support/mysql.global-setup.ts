/**
 * Global setup of the `mysql` vitest project: one real MariaDB server on 127.0.0.1 (scripts/mysql/server.ts, Debian's
 * packages, installed when missing), provided to the tests as `mysql`; stopped and deleted at the end. A server that
 * cannot start fails the run (there is no skip: the packages install with apt like Postgres's).
 */
import type { TestProject } from "vitest/node";
import { startMysql } from "../../scripts/mysql/server.ts";

export interface MysqlInfo {
  readonly port: number;
  readonly admin: string;
  readonly password: string;
  readonly version: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    mysql: MysqlInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMysql();
  console.log(`[mysql] MariaDB ${server.version} on 127.0.0.1:${server.port}`);
  project.provide("mysql", { port: server.port, admin: server.admin, password: server.password, version: server.version });
  return () => server.stop();
}
