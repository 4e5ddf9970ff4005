/**
 * Convex's S3 sequence for the RGW tests. The one copy lives with the doctor, which runs the same sequence against
 * any endpoint (doctor/src/convex-s3-sequence.ts); this module only re-exports it for the tests.
 */
export * from "../../doctor/src/convex-s3-sequence.ts";
