export { loadProxyOptions, PROXY_DEFAULTS } from "./config.ts";
export { ProxyConfigError, S3Error, S3_ERRORS, type S3ErrorCode } from "./errors.ts";
export { batchedJsonLineSink, jsonLineSink } from "./log.ts";
export { startProxy, type RunningProxy } from "./server.ts";
export type { Credentials, LogEntry, LogSink, ProxyOptions, SsePolicy, UpstreamChecksums } from "./types.ts";
