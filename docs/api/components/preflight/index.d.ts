export { Preflight, type PreflightArgs } from "./preflight";
export { noIpvsMessage, parsePreflight, renderPreflightScript, shouldUseMesh, type PreflightChecks, type PreflightReport } from "./script";
