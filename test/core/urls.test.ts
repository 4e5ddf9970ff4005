import { describe, expect, it } from "vitest";
import { formatIssue } from "../../lib/core/errors.ts";
import { ingressUrls, trimOrigin, urlIssues } from "../../lib/core/urls.ts";

const local = { cloudOrigin: "http://127.0.0.1:3210", siteOrigin: "http://127.0.0.1:3211", dashboardUrl: "http://127.0.0.1:6791" };
const problems = (urls: typeof local) => urlIssues(urls, "urls").map(formatIssue);

describe("ingressUrls", () => {
  it("gives each host its own origin at /, https with TLS and http without", () => {
    const hosts = { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" };
    expect(ingressUrls({ ...hosts, tls: true })).toEqual({ cloudOrigin: "https://api.a.example.com", siteOrigin: "https://site.a.example.com", dashboardUrl: "https://dash.a.example.com" });
    expect(ingressUrls({ ...hosts, tls: false })).toEqual({ cloudOrigin: "http://api.a.example.com", siteOrigin: "http://site.a.example.com", dashboardUrl: "http://dash.a.example.com" });
  });
});

describe("trimOrigin", () => {
  it("strips one trailing slash and nothing else", () => {
    expect(trimOrigin("https://a.example.com/")).toBe("https://a.example.com");
    expect(trimOrigin("https://a.example.com//")).toBe("https://a.example.com/");
    expect(trimOrigin("https://a.example.com/http")).toBe("https://a.example.com/http");
    expect(trimOrigin("/https://a.example.com")).toBe("/https://a.example.com");
  });
});

describe("urlIssues", () => {
  it("accepts local URLs, separate hosts, and the API origin with /http as the site origin", () => {
    expect(problems(local)).toEqual([]);
    expect(problems({ ...local, cloudOrigin: "https://c.example.com", siteOrigin: "https://c.example.com/http" })).toEqual([]);
  });

  it("fails for each URL that is not an absolute http(s) URL, naming the field and its example", () => {
    expect(problems({ cloudOrigin: "ftp://c.example.com", siteOrigin: "site:3211", dashboardUrl: "https://d.example.com/?x=1" })).toEqual([
      'urls.cloudOrigin: got "ftp://c.example.com"; use an absolute http:// or https:// URL the browser can reach, e.g. https://api.alice.example.com or http://127.0.0.1:3210',
      'urls.siteOrigin: got "site:3211"; use an absolute http:// or https:// URL the browser can reach, e.g. https://site.alice.example.com or http://127.0.0.1:3211',
      'urls.dashboardUrl: got "https://d.example.com/?x=1"; use an absolute http:// or https:// URL the browser can reach, e.g. https://dashboard.alice.example.com or http://127.0.0.1:6791',
    ]);
  });

  it("fails if a URL carries a fragment or is not a URL at all", () => {
    expect(problems({ ...local, dashboardUrl: "http://127.0.0.1:6791/#top" })).toHaveLength(1);
    expect(problems({ ...local, cloudOrigin: "not a url" })).toHaveLength(1);
    expect(problems({ ...local, cloudOrigin: "https://" })).toHaveLength(1);
  });

  it("fails if the site origin is the dashboard's URL", () => {
    expect(problems({ ...local, siteOrigin: "http://127.0.0.1:6791/", dashboardUrl: "http://127.0.0.1:6791" })).toEqual([
      'urls.siteOrigin: got "http://127.0.0.1:6791/"; give HTTP actions their own host served by port 3211, or use "http://127.0.0.1:3210/http"',
    ]);
  });

  it("fails if the site origin is the API origin, whatever the trailing slash", () => {
    expect(problems({ ...local, cloudOrigin: "https://c.example.com/", siteOrigin: "https://c.example.com" })).toEqual([
      'urls.siteOrigin: got "https://c.example.com"; give HTTP actions their own host served by port 3211, or use "https://c.example.com/http"',
    ]);
  });
});
