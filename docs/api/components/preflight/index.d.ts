export { Preflight, type PreflightArgs } from "./preflight";
export { noEspMessage, noIpvsMessage, parsePreflight, renderEspProbe, renderPreflightScript, shouldUseMesh, type PreflightChecks, type PreflightReport, } from "./script";
