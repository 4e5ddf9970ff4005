import { Container } from "@cdktf/provider-docker/lib/container/index.js";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { DNS_LABEL } from "../core/names.ts";
import { configError } from "../core/errors.ts";
import { dockerLabels } from "./labels.ts";
import { tfExpression } from "../terraform/expression.ts";

export interface AdminKeyProps {
  /** Container name. */
  readonly name: string;
  /** The backend image (same release as the backend: the key format is the release's). */
  readonly image: string;
  /** The backend's INSTANCE_NAME; the key starts with it. */
  readonly instanceName: string;
  /** The backend's INSTANCE_SECRET, as a sensitive Terraform expression. */
  readonly instanceSecret: string;
  readonly labels: Record<string, string>;
}

/** The image's own key generator (crates/keybroker/src/bin/generate_key.rs), relative to the image's working directory. */
export const GENERATE_KEY = "./generate_key";

/**
 * An admin key for the developer, made by the backend image's own `generate_key` in a one-shot container and
 * captured by Terraform: `attach = true` makes apply wait for the container to exit, `logs = true` stores its
 * output in `container_logs` (kreuzwerker/docker 3.6.2, resource_docker_container_funcs.go), `must_run = false`
 * keeps the exited container acceptable. The container is not auto-removed (`rm`), or every refresh would find it
 * gone and plan a new key. It has no network. A postcondition fails the apply when the generator fails, because the
 * provider itself ignores the exit code.
 *
 * `generate_key` prints "Admin key:" on stderr and `<instance name>|<hex>` on stdout; the provider reads both
 * streams, non-TTY logs carry Docker's 8-byte frame headers, so the key is extracted with a pattern anchored on the
 * instance name rather than by trimming. The key only changes when this container is replaced (a new image or
 * secret); admin keys do not expire, so old ones stay valid.
 */
export class AdminKey extends Construct {
  readonly resource: Container;
  /** The admin key, as a Terraform expression; expose it only as a sensitive output. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: AdminKeyProps) {
    super(scope, id);
    if (!DNS_LABEL.test(props.instanceName)) {
      throw configError("instanceName", props.instanceName, "use lower-case letters, digits and '-' (the admin key starts with it)");
    }
    const pattern = adminKeyPattern(props.instanceName);
    this.resource = new Container(this, "Resource", {
      name: props.name,
      image: props.image,
      entrypoint: [GENERATE_KEY],
      command: [props.instanceName, props.instanceSecret],
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      networkMode: "none",
      labels: dockerLabels(props.labels),
      lifecycle: {
        postcondition: [
          {
            condition: tfExpression(`self.exit_code == 0 && length(regexall("${pattern}", self.container_logs)) == 1`),
            errorMessage: `generate_key did not print one admin key; read its output with: docker logs ${props.name}`,
          },
        ],
      },
    });
    this.value = Token.asString(Fn.regex(pattern, this.resource.containerLogs));
  }
}

/** The admin key's shape: `<instance name>|<lower-case hex>`. The name is a DNS label, so it needs no escaping. */
export function adminKeyPattern(instanceName: string): string {
  return `${instanceName}[|][0-9a-f]+`;
}
