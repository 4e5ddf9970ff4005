/** SigV4 protocol constants used by the verifier and the aws-chunked decoder. */

/** The only signing algorithm the proxy accepts. */
export const ALGORITHM = "AWS4-HMAC-SHA256";
/** Algorithm line of a chunk signature's string to sign. */
export const CHUNK_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD";
/** Algorithm line of a trailer signature's string to sign. */
export const TRAILER_ALGORITHM = "AWS4-HMAC-SHA256-TRAILER";
/** Last element of every credential scope. */
export const SCOPE_TERMINATOR = "aws4_request";
/** The service every request to the proxy must be signed for. */
export const SERVICE = "s3";

/** `x-amz-content-sha256`: the body is not covered by the signature. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** `x-amz-content-sha256`: aws-chunked body, every chunk signed. */
export const STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/** `x-amz-content-sha256`: aws-chunked body, every chunk signed, then a signed checksum trailer. */
export const STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/** `x-amz-content-sha256`: aws-chunked body, unsigned chunks, then a checksum trailer. */
export const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/** Hex SHA-256 of the empty string. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Longest validity of a presigned URL (`X-Amz-Expires`), in seconds: 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
