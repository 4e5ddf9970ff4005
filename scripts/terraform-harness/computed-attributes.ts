/**
 * Values for attributes that a provider computes (they are not in the configuration), by `type.attribute` for
 * resources and `data.type.attribute` for data sources; `*.attribute` applies to every type. A stand-in gets the
 * value of each computed attribute the configuration refers to. The values are test values of the right type and
 * shape: they let Terraform evaluate every expression that reads them, not predict what the provider will return.
 * A reference to a computed attribute missing here fails the harness with a message that names this table.
 */
export const COMPUTED_ATTRIBUTES: Readonly<Record<string, unknown>> = {
  "*.id": "standin-id",
  "random_id.hex": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
  "random_id.b64_std": "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=",
  "random_id.b64_url": "ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJmqu8zd7v8",
  "random_password.result": "standin-password-0123456789",
  "random_string.result": "standinstring0123",
  "coder_agent.token": "standin-agent-token",
  "coder_agent.init_script": "#!/bin/sh\necho coder agent init",
  "docker_image.image_id": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
  "docker_image.repo_digest": "example/image@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  "docker_volume.mountpoint": "/var/lib/docker/volumes/standin/_data",
  "docker_container.network_data": [{ ip_address: "172.18.0.2", network_name: "standin" }],
  "docker_container.exit_code": 0,
  "docker_container.container_logs": "",
  "kubernetes_manifest.object": {},
  "tls_private_key.private_key_pem": "-----BEGIN EC PRIVATE KEY-----\nstandin-tls-private-key\n-----END EC PRIVATE KEY-----\n",
  "tls_private_key.private_key_pem_pkcs8": "-----BEGIN PRIVATE KEY-----\nstandin-tls-private-key-pkcs8\n-----END PRIVATE KEY-----\n",
  "tls_self_signed_cert.cert_pem": "-----BEGIN CERTIFICATE-----\nstandin-tls-ca-certificate\n-----END CERTIFICATE-----\n",
  "tls_cert_request.cert_request_pem": "-----BEGIN CERTIFICATE REQUEST-----\nstandin-tls-cert-request\n-----END CERTIFICATE REQUEST-----\n",
  "tls_locally_signed_cert.cert_pem": "-----BEGIN CERTIFICATE-----\nstandin-tls-certificate\n-----END CERTIFICATE-----\n",
  "data.coder_workspace.start_count": 1,
  "data.coder_workspace.name": "dev",
  "data.coder_workspace.access_url": "https://coder.example.com",
  "data.coder_workspace.access_port": 443,
  "data.coder_workspace.transition": "start",
  "data.coder_workspace_owner.name": "alice",
  "data.coder_workspace_owner.email": "alice@example.com",
  "data.coder_workspace_owner.full_name": "Alice Example",
  "data.coder_provisioner.arch": "amd64",
  "data.coder_provisioner.os": "linux",
  "data.coder_parameter.value": "",
};

/** The test value for an attribute of a stand-in, or undefined when the table has none. */
export function computedValue(type: string, isData: boolean, attribute: string, overrides: Readonly<Record<string, unknown>> = {}): unknown {
  const key = `${isData ? "data." : ""}${type}.${attribute}`;
  if (key in overrides) return structuredClone(overrides[key]);
  if (key in COMPUTED_ATTRIBUTES) return structuredClone(COMPUTED_ATTRIBUTES[key]);
  const any = `*.${attribute}`;
  return any in COMPUTED_ATTRIBUTES ? structuredClone(COMPUTED_ATTRIBUTES[any]) : undefined;
}
