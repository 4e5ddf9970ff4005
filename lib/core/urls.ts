import type { ConfigIssue } from "./errors.ts";
import { showValue } from "./errors.ts";

/** Browser-reachable URLs of one workspace's Convex deployment. */
export interface WorkspaceUrls {
  /** The API and WebSocket origin (port 3210): CONVEX_CLOUD_ORIGIN, the dashboard's NEXT_PUBLIC_DEPLOYMENT_URL, the CLI's CONVEX_SELF_HOSTED_URL. */
  readonly cloudOrigin: string;
  /** HTTP actions (port 3211 at `/`, or `<cloudOrigin>/http` on 3210): CONVEX_SITE_ORIGIN. */
  readonly siteOrigin: string;
  /** Where the dashboard is opened (port 6791). */
  readonly dashboardUrl: string;
}

/** Ingress host names; each gets its own host at `/` (the dashboard has no base path). */
export interface IngressHosts {
  readonly apiHost: string;
  readonly siteHost: string;
  readonly dashboardHost: string;
  /** With a TLS Secret the URLs are https. */
  readonly tls: boolean;
}

/** The URLs served by an Ingress with these hosts. */
export function ingressUrls(hosts: IngressHosts): WorkspaceUrls {
  const scheme = hosts.tls ? "https" : "http";
  return {
    cloudOrigin: `${scheme}://${hosts.apiHost}`,
    siteOrigin: `${scheme}://${hosts.siteHost}`,
    dashboardUrl: `${scheme}://${hosts.dashboardHost}`,
  };
}

/** Strips one trailing '/', so origins compare and concatenate cleanly. */
export function trimOrigin(url: string): string {
  return url.replace(/\/$/, "");
}

/**
 * Checks the rules Convex and browsers impose on the URLs; returns every problem found.
 * - each is an absolute http(s) URL (the backend rejects other origins);
 * - the site origin is not the API origin itself nor the dashboard's: HTTP actions need their own host, or the
 *   API origin with the `/http` suffix.
 */
export function urlIssues(urls: WorkspaceUrls, fieldPrefix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fields: [keyof WorkspaceUrls, string][] = [
    ["cloudOrigin", "e.g. https://api.alice.example.com or http://127.0.0.1:3210"],
    ["siteOrigin", "e.g. https://site.alice.example.com or http://127.0.0.1:3211"],
    ["dashboardUrl", "e.g. https://dashboard.alice.example.com or http://127.0.0.1:6791"],
  ];
  for (const [key, example] of fields) {
    if (!isHttpUrl(urls[key])) {
      issues.push({ field: `${fieldPrefix}.${key}`, value: showValue(urls[key]), fix: `use an absolute http:// or https:// URL the browser can reach, ${example}` });
    }
  }
  const site = trimOrigin(urls.siteOrigin);
  if (site === trimOrigin(urls.cloudOrigin) || site === trimOrigin(urls.dashboardUrl)) {
    issues.push({
      field: `${fieldPrefix}.siteOrigin`,
      value: showValue(urls.siteOrigin),
      fix: `give HTTP actions their own host served by port 3211, or use "${trimOrigin(urls.cloudOrigin)}/http"`,
    });
  }
  return issues;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // WHATWG URL parsing already refuses an http(s) URL without a host.
    return (url.protocol === "http:" || url.protocol === "https:") && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}
