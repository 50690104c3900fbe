export * from "./apps";
export * from "./edge";
export * from "./nodes";
export * from "./orchestrator";
export * from "./recipe";
export * from "./refs";
export * from "./service";
export { parseSizeMiB } from "./formats";
