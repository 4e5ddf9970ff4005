export * from "./agent.ts";
export * from "./app.ts";
export * from "./metadata.ts";
export * from "./parameter.ts";
export * from "./provider.ts";
export * from "./script.ts";
export * from "./workspace.ts";
