/** The CanonicalURI line of an S3 canonical request. */
import { percentDecode, uriEncode } from "./uri-encode.ts";

/**
 * The canonical URIs a client may have signed for `rawPath`, most likely first.
 *
 * S3 neither normalizes the path (`.`/`..`/`//` stay) nor encodes it twice. The first candidate decodes each
 * segment and re-encodes it with SigV4's encoding (what the AWS SDKs produce, whatever escaping the client chose
 * on the wire); the second, when different, is the path exactly as received. Both name the same object, so
 * accepting either is safe. An empty path is `/`.
 */
export function canonicalUriCandidates(rawPath: string): string[] {
  const path = rawPath === "" ? "/" : rawPath;
  const segments = path.split("/").map(percentDecode);
  if (segments.some((segment) => segment === undefined)) return [path];
  const reencoded = segments.map((segment) => uriEncode(segment ?? "", true)).join("/");
  return reencoded === path ? [path] : [reencoded, path];
}
