import { Fn, Op, TerraformLocal, TerraformVariable, Token, type IResolvable, type TerraformStack } from "cdktf";
import { initSslMode } from "../lib/core/database-init.ts";
import type { ServerDatabaseKind } from "../lib/core/database.ts";
import { entry, type EnvEntry } from "../lib/core/env.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import { INSTANCE_NAME } from "./template-env-local.ts";
import type { CoderInputs } from "./template-shared.ts";

/** The databases a template workspace can get: `local.database`. */
export const TEMPLATE_DATABASES = ["sqlite", "postgres", "mysql"] as const;
export type TemplateDatabaseKind = (typeof TEMPLATE_DATABASES)[number];

/** The admin variable that turns TLS to the shared server off (both templates). */
export const REQUIRE_SSL_VARIABLE = "database_require_ssl";

/**
 * The template's database, as Terraform expressions: SQLite on each backend's data volume unless the admin named a
 * shared Postgres or MySQL server, and then one database per workspace on it.
 */
export interface TemplateDatabase {
  /** `local.database`: `sqlite`, `postgres` or `mysql`. */
  readonly kind: string;
  /** The condition "this workspace's database is `kind`". */
  is(kind: TemplateDatabaseKind): IResolvable;
  /**
   * `local.instance_name`, the backend's INSTANCE_NAME: `convex` with SQLite (as before the database variables
   * existed, so a workspace keeps its S3 key prefix and admin key), `convex-<workspace id>` on a server, so that
   * every workspace opens its own database on the shared server.
   */
  readonly instanceName: string;
  /** `local.database_name`: the database Convex opens, the instance name with `-` turned into `_` (databaseName). */
  readonly databaseName: string;
  /**
   * The init step's TLS mode, following the require-SSL variable: libpq's `require` or `prefer` for Postgres, the
   * mysql client's `REQUIRED` or `PREFERRED` for MySQL.
   */
  sslMode(kind: ServerDatabaseKind): string;
  /** DO_NOT_REQUIRE_SSL's value: empty while TLS is required (run_backend.sh tests `${DO_NOT_REQUIRE_SSL:+...}`), else `true`. */
  readonly doNotRequireSsl: string;
}

/**
 * Declares the require-SSL variable and the database locals of a template. `serverNamed` is the template's own
 * condition "the admin named a server" (a Secret on Kubernetes, a URL on Docker): see {@link isSet}; `serverKind`
 * its expression for the server's kind, `postgres` or `mysql`.
 */
export function templateDatabase(stack: TerraformStack, inputs: CoderInputs, serverNamed: IResolvable, serverKind: string): TemplateDatabase {
  const requireSsl = new TerraformVariable(stack, REQUIRE_SSL_VARIABLE, {
    type: "bool",
    default: true,
    description:
      "Require TLS to the shared Postgres or MySQL server (Convex appends sslmode=require, or require_ssl=true&verify_ca=true for MySQL). Set false for a server without TLS on a network you trust.",
  }).booleanValue;
  const kind = new TerraformLocal(stack, "database", Fn.conditional(serverNamed, serverKind, "sqlite")).asString;
  const is = (k: TemplateDatabaseKind) => Op.eq(kind, k);
  const instanceName = new TerraformLocal(stack, "instance_name", Fn.conditional(is("sqlite"), INSTANCE_NAME, `${INSTANCE_NAME}-${inputs.workspace.id}`)).asString;
  return {
    kind,
    is,
    instanceName,
    databaseName: new TerraformLocal(stack, "database_name", Fn.replace(instanceName, "-", "_")).asString,
    sslMode: (server) => Token.asString(Fn.conditional(requireSsl, initSslMode(server, true), initSslMode(server, false))),
    // Written as text: cdktf renders an empty string operand as `undefined`.
    doNotRequireSsl: tfExpression(`var.${REQUIRE_SSL_VARIABLE} ? "" : "true"`),
  };
}

/**
 * A backend environment planned with `requireSsl: false` (so it carries DO_NOT_REQUIRE_SSL), with that flag's value
 * following the template's variable instead: a template decides TLS at plan time, not at synthesis.
 */
export function withTemplateSsl(env: readonly EnvEntry[], database: TemplateDatabase): EnvEntry[] {
  return env.map((e) => (e.name === "DO_NOT_REQUIRE_SSL" ? entry(e.name, database.doNotRequireSsl) : e));
}

/** "`value` is not empty", for a template's server variable (cdktf renders a falsy operand, "" or 0, as `undefined`). */
export function isSet(value: string): IResolvable {
  return Op.gte(Fn.lengthOf(value), 1);
}
