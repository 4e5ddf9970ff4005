import type {
  DeploymentV1SpecTemplateSpecContainerVolumeMount,
  DeploymentV1SpecTemplateSpecInitContainer,
  DeploymentV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/deployment-v1/index.js";
import { InvariantError } from "../core/errors.ts";
import {
  BUCKET_CA_DIR,
  CA_FILE_NAME,
  PROXY_CA_DIR,
  PROXY_CERT_DIR,
  PROXY_CERT_FILE,
  PROXY_KEY_FILE,
  TRUST_DIR,
  trustBundleScript,
  type CaBundleSource,
} from "../core/tls.ts";

/** A volume, and where it is mounted read-only. */
export interface MountedVolume {
  readonly volume: DeploymentV1SpecTemplateSpecVolume;
  readonly mount: DeploymentV1SpecTemplateSpecContainerVolumeMount;
}

/** The bucket's private CA from its Secret or ConfigMap key, as `ca.crt` under BUCKET_CA_DIR. */
export function bucketCaVolume(source: CaBundleSource): MountedVolume {
  const items = [{ key: source.kind === "file" ? "" : source.key, path: CA_FILE_NAME }];
  let volume: DeploymentV1SpecTemplateSpecVolume;
  if (source.kind === "secret") volume = { name: "bucket-ca", secret: { secretName: source.name, items } };
  else if (source.kind === "configMap") volume = { name: "bucket-ca", configMap: { name: source.name, items } };
  else throw new InvariantError("a CA file is a Docker source; on Kubernetes the plan gives a Secret or ConfigMap");
  return { volume, mount: { name: "bucket-ca", mountPath: BUCKET_CA_DIR, readOnly: true } };
}

/** The proxy's certificate and key from its kubernetes.io/tls Secret, under PROXY_CERT_DIR (proxy only). */
export function proxyCertVolume(secretName: string): MountedVolume {
  return {
    volume: { name: "proxy-tls", secret: { secretName, items: [{ key: PROXY_CERT_FILE, path: PROXY_CERT_FILE }, { key: PROXY_KEY_FILE, path: PROXY_KEY_FILE }] } },
    mount: { name: "proxy-tls", mountPath: PROXY_CERT_DIR, readOnly: true },
  };
}

/** Only the CA of the proxy's Secret, under PROXY_CA_DIR: what the backend trusts (never the key). */
export function proxyCaVolume(secretName: string): MountedVolume {
  return {
    volume: { name: "proxy-ca", secret: { secretName, items: [{ key: CA_FILE_NAME, path: CA_FILE_NAME }] } },
    mount: { name: "proxy-ca", mountPath: PROXY_CA_DIR, readOnly: true },
  };
}

/** The pod parts that make the backend trust private CAs (see lib/core/tls.ts). */
export interface BackendTrustParts {
  readonly initContainer: DeploymentV1SpecTemplateSpecInitContainer;
  readonly volumes: DeploymentV1SpecTemplateSpecVolume[];
  readonly volumeMounts: DeploymentV1SpecTemplateSpecContainerVolumeMount[];
}

/**
 * An init container in the backend's own image (its ca-certificates roots) that writes the trust bundle and the
 * private CAs into an emptyDir the backend mounts at TRUST_DIR; the CAs come by reference from their volumes.
 */
export function backendTrustParts(image: string, caFiles: readonly string[], caVolumes: readonly MountedVolume[]): BackendTrustParts {
  const trust: MountedVolume = {
    volume: { name: "trust", emptyDir: { sizeLimit: "4Mi" } },
    mount: { name: "trust", mountPath: TRUST_DIR, readOnly: false },
  };
  return {
    initContainer: {
      name: "trust-bundle",
      image,
      command: ["/bin/sh", "-c", trustBundleScript(caFiles)],
      volumeMount: [trust.mount, ...caVolumes.map((v) => v.mount)],
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    },
    volumes: [trust.volume, ...caVolumes.map((v) => v.volume)],
    volumeMounts: [{ ...trust.mount, readOnly: true }],
  };
}
