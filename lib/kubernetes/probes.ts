/** HTTP probe settings shared by the constructs, in Kubernetes' shape (ports as strings, times in seconds). */
export interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: string };
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds?: number;
}

export function httpProbe(path: string, port: number, periodSeconds: number, failureThreshold: number, timeoutSeconds = 5): HttpProbe {
  return { httpGet: { path, port: String(port) }, periodSeconds, timeoutSeconds, failureThreshold };
}
