import { escapeControls } from "../load/text";
import { edgeCertificate, type CertificateStatus } from "../status/certificate";
import { edgeEndpoint } from "../status/edge";
import { orchestratorOf, runClient, type Orchestrator } from "../status/orchestrator";
import {
  imageDigest,
  parseDeployments,
  parseServiceImages,
  parseServiceList,
  withoutDigest,
  type WorkloadStatus,
} from "../status/workloads";
import type { StackSession } from "../stack/workspace";
import { urlsOf } from "./up";
import { parseStackArgs, progressOf, STACK_OPTION, withStack, type StackIo, type StackOptions } from "./stack-command";

export const summary =
  "a deployed stack now: its URLs, each service's replicas, image and health, the certificate's issuer and expiry";
export const usage = "recette status -s <stack> [--json]   e.g. recette status -s local";

export interface StatusReport {
  stack: string;
  orchestrator: "swarm" | "k3s";
  urls: string[];
  workloads: WorkloadStatus[];
  certificates: CertificateStatus[];
  /** What could not be read (the orchestrator unreachable, a client missing). */
  problems: string[];
}

const workloads = (o: Orchestrator): { list: WorkloadStatus[]; problem?: string } => {
  if (o.kind === "k3s") {
    const r = runClient(o, ["get", "deployments", "-n", o.prefix, "-l", `recette.stack=${o.prefix}`, "-o", "json"]);
    return r.ok ? { list: parseDeployments(r.stdout) } : { list: [], problem: `kubectl: ${r.message}` };
  }
  const ls = runClient(o, ["service", "ls", "--filter", `label=recette.stack=${o.prefix}`, "--format", "{{json .}}"]);
  if (!ls.ok) return { list: [], problem: `docker: ${ls.message}` };
  const list = parseServiceList(ls.stdout);
  if (list.length === 0) return { list };
  // `service ls` shortens images; the spec holds the digest a registry image is pinned to.
  const inspect = runClient(o, ["service", "inspect", ...list.map((w) => w.name)]);
  const images = inspect.ok ? parseServiceImages(inspect.stdout) : new Map<string, string>();
  return {
    list: list.map((w) => {
      const image = images.get(w.name);
      return image ? { ...w, image: withoutDigest(image), digest: imageDigest(image) } : w;
    }),
  };
};

export const statusOf = async (s: StackSession): Promise<StatusReport> => {
  const outputs = await s.stack.outputs();
  const urls = urlsOf(outputs);
  const o = await orchestratorOf(s, outputs);
  try {
    const w = workloads(o);
    const edge = edgeEndpoint(s.recipe, outputs);
    const certificates = edge ? await Promise.all(urls.map((u) => edgeCertificate(u, edge.address, edge.port))) : [];
    return {
      stack: s.name,
      orchestrator: o.kind,
      urls,
      workloads: w.list,
      certificates,
      problems: w.problem ? [w.problem] : [],
    };
  } finally {
    o.cleanup();
  }
};

/** The report as a person reads it. */
export const renderStatus = (r: StatusReport): string[] => {
  const lines = [`stack ${r.stack} (${r.orchestrator === "k3s" ? "Kubernetes" : "Docker Swarm"})`];
  for (const u of r.urls) lines.push(`  ${u}`);
  lines.push(r.orchestrator === "k3s" ? "deployments:" : "services:");
  if (r.workloads.length === 0) lines.push("  none found");
  const width = Math.max(0, ...r.workloads.map((w) => w.name.length));
  for (const w of r.workloads)
    lines.push(
      `  ${w.name.padEnd(width)}  ${w.running}/${w.desired}  ${w.health}  ` +
        `${w.image}${w.digest ? `@${w.digest.slice(0, 19)}…` : ""}`,
    );
  lines.push("certificates:");
  for (const c of r.certificates) {
    if (c.error) lines.push(`  ${new URL(c.url).hostname}: no answer from ${c.address} (${c.error})`);
    else
      lines.push(
        `  ${new URL(c.url).hostname}: issued by ${c.issuer ?? "unknown"}, ` +
          `expires ${c.expires?.slice(0, 10)} (${c.daysLeft} days)`,
      );
  }
  for (const p of r.problems) lines.push(`problem: ${p}`);
  return lines.map(escapeControls);
};

/** Exit 0 with the report; 1 the stack cannot be read. --json: the StatusReport. */
export const status = async (opts: StackOptions & { json: boolean }, io: StackIo): Promise<number> => {
  const live = progressOf(io);
  return withStack("status", { ...opts, agent: true }, io, live, async (s) => {
    const report = await statusOf(s);
    live.stop();
    if (opts.json) io.out(JSON.stringify(report, null, 2));
    else for (const l of renderStatus(report)) io.out(l);
    return 0;
  });
};

export const statusCommand = async (args: string[], io: StackIo): Promise<number> => {
  const p = parseStackArgs("status", usage, args, { ...STACK_OPTION, json: { type: "boolean" } }, io);
  return p.ok ? status({ stack: p.values.stack!, json: p.values.json === true }, io) : p.code;
};
