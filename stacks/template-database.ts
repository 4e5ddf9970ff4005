import { Fn, Op, TerraformLocal, TerraformVariable, Token, type IResolvable, type TerraformStack } from "cdktf";
import { entry, type EnvEntry } from "../lib/core/env.ts";
import { tfExpression } from "../lib/terraform/expression.ts";
import { INSTANCE_NAME } from "./template-env-local.ts";
import type { CoderInputs } from "./template-shared.ts";

/** The databases a template workspace can get: `local.database`. */
export const TEMPLATE_DATABASES = ["sqlite", "postgres"] as const;
export type TemplateDatabaseKind = (typeof TEMPLATE_DATABASES)[number];

/** The admin variable that turns TLS to the shared server off (both templates). */
export const REQUIRE_SSL_VARIABLE = "database_require_ssl";

/**
 * The template's database, as Terraform expressions: SQLite on each backend's data volume unless the admin named a
 * shared Postgres server, and then one database per workspace on it.
 */
export interface TemplateDatabase {
  /** `local.database`: `sqlite` or `postgres`. */
  readonly kind: string;
  /** The condition "this workspace's database is `kind`". */
  is(kind: TemplateDatabaseKind): IResolvable;
  /**
   * `local.instance_name`, the backend's INSTANCE_NAME: `convex` with SQLite (as before the database variables
   * existed, so a workspace keeps its S3 key prefix and admin key), `convex-<workspace id>` with Postgres, so that
   * every workspace opens its own database on the shared server.
   */
  readonly instanceName: string;
  /** `local.database_name`: the database Convex opens, the instance name with `-` turned into `_` (databaseName). */
  readonly databaseName: string;
  /** libpq's sslmode for the init step, following the require-SSL variable: `require` or `prefer`. */
  readonly sslMode: string;
  /** DO_NOT_REQUIRE_SSL's value: empty while TLS is required (run_backend.sh tests `${DO_NOT_REQUIRE_SSL:+...}`), else `true`. */
  readonly doNotRequireSsl: string;
}

/**
 * Declares the require-SSL variable and the database locals of a template. `serverNamed` is the template's own
 * condition "the admin named a server" (a Secret on Kubernetes, a URL on Docker): see {@link isSet}.
 */
export function templateDatabase(stack: TerraformStack, inputs: CoderInputs, serverNamed: IResolvable): TemplateDatabase {
  const requireSsl = new TerraformVariable(stack, REQUIRE_SSL_VARIABLE, {
    type: "bool",
    default: true,
    description: "Require TLS to the shared Postgres server (Convex appends sslmode=require). Set false for a server without TLS on a network you trust.",
  }).booleanValue;
  const kind = new TerraformLocal(stack, "database", Fn.conditional(serverNamed, "postgres", "sqlite")).asString;
  const is = (k: TemplateDatabaseKind) => Op.eq(kind, k);
  const instanceName = new TerraformLocal(stack, "instance_name", Fn.conditional(is("postgres"), `${INSTANCE_NAME}-${inputs.workspace.id}`, INSTANCE_NAME)).asString;
  return {
    kind,
    is,
    instanceName,
    databaseName: new TerraformLocal(stack, "database_name", Fn.replace(instanceName, "-", "_")).asString,
    sslMode: Token.asString(Fn.conditional(requireSsl, "require", "prefer")),
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
