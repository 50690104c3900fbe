/**
 * The rules of recette's policy pack as pure functions of what the engine hands a policy (a resource's
 * type and inputs, its URN, its options), so each one can be read and tested alone. Every rule returns
 * the violations it finds as messages; policy/index.ts wires them into @pulumi/policy policies.
 */
import { parse } from "yaml";
import { findKernel, KERNELS } from "../components/scaleway/kernels";
import { findNodeType } from "../components/scaleway/types";
import { ACME_STORAGE, LETS_ENCRYPT } from "../components/traefik/config";
import { isStatefulType } from "../engine/delivery/stateful";
import { K3S_REFUSE_AT_MIB, ORCHESTRATOR } from "../engine/model/capacity";

export interface Res {
  type: string;
  name: string;
  urn: string;
  // biome-ignore lint/suspicious/noExplicitAny: any resource type's inputs, as @pulumi/policy types them
  props: Record<string, any>;
  opts?: { protect?: boolean };
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::…`. */
export const stackOf = (urn: string): string => urn.split("::")[0]!.replace(/^urn:pulumi:/, "");

const SERVICE = "docker:index/service:Service";
const SERVER_TYPES = ["scaleway:instance/server:Server", "scaleway:index/instanceServer:InstanceServer"];
const SECURITY_GROUPS = [
  "scaleway:instance/securityGroup:SecurityGroup",
  "scaleway:index/instanceSecurityGroup:InstanceSecurityGroup",
];
/** Docker resources carry labels as a list of { label, value }; Kubernetes objects as metadata.labels. */
const labelsOf = (r: Res): Record<string, string> =>
  r.type.startsWith("docker:")
    ? Object.fromEntries(((r.props.labels ?? []) as { label: string; value: string }[]).map((l) => [l.label, l.value]))
    : ((r.props.metadata?.labels ?? {}) as Record<string, string>);

/**
 * The recipe's name of the node a server is (`manager-1`): its physical name without the stack's prefix (the
 * `recette.stack` tag; components/naming.ts), whatever its resource is called (`nodes-manager-1` under a Fleet).
 */
export const nodeNameOf = (r: Res): string => {
  const tags = (r.props.tags ?? []) as string[];
  const stack = tags.find((t) => t.startsWith("recette.stack="))?.slice("recette.stack=".length);
  const name = String(r.props.name ?? "");
  return stack && name.startsWith(`${stack}-`) ? name.slice(stack.length + 1) : r.name;
};

/** Kernels known bad for Swarm (no IPVS: published ports refuse connections), and retired bootscripts. */
export const badKernel = (r: Res): string[] => {
  if (!SERVER_TYPES.includes(r.type)) return [];
  const boot = r.props.bootscriptId ?? (r.props.bootType === "bootscript" ? "(unnamed bootscript)" : undefined);
  if (boot === undefined) return [];
  const entry = findKernel(boot) ?? KERNELS.find((k) => k.boot.bootType === "bootscript" && k.boot.bootscript === boot);
  const why = entry ? `${entry.status} in the kernels catalogue: ${entry.note}` : "Scaleway retired bootscripts";
  return [
    `node ${nodeNameOf(r)} boots the bootscript ${JSON.stringify(boot)}, ${why} (fix: ` +
      "nodes.kernel: default, bootType local with the image's own kernel; see docs/kernels.md)",
  ];
};

/** Services published through the routing mesh while a node's preflight found no IPVS. */
export const meshWithoutIpvs = (resources: Res[]): string[] => {
  // During a preview that re-runs the preflight its report is not known yet (@pulumi/policy throws on
  // reading an unknown value): the check then happens at up, when the report exists.
  const known = (r: Res) => {
    try {
      return r.props.report as { node?: string; ipvs?: boolean } | undefined;
    } catch {
      return undefined;
    }
  };
  const noIpvs = resources
    .filter((r) => r.type === "recette:preflight:Preflight")
    .map(known)
    .filter((rep): rep is { node: string; ipvs: boolean } => rep?.ipvs === false)
    .map((rep) => rep.node);
  if (noIpvs.length === 0) return [];
  return resources
    .filter((r) => r.type === SERVICE)
    .flatMap((r) =>
      ((r.props.endpointSpec?.ports ?? []) as { publishedPort?: number; publishMode?: string }[])
        .filter((p) => (p.publishMode ?? "ingress") === "ingress")
        .map(
          (p) =>
            `service ${r.name} publishes port ${p.publishedPort} through the routing ` +
            `mesh, but ${noIpvs.join(", ")} ha${noIpvs.length === 1 ? "s" : "ve"} no ` +
            "IPVS: the port would refuse connections (fix: a kernel with IPVS, or " +
            "orchestrator.routingMesh: fallback for host-mode publishing)",
        ),
    );
};

/** Traefik keeps certificates in one acme.json file: two replicas would each run ACME and overwrite it. */
export const traefikReplicas = (r: Res): string[] => {
  const isTraefik = labelsOf(r)["recette.workload"] === "traefik";
  if (!isTraefik) return [];
  const replicas =
    r.type === SERVICE
      ? r.props.mode?.replicated?.replicas
      : r.type === "kubernetes:apps/v1:Deployment"
        ? r.props.spec?.replicas
        : undefined;
  if (typeof replicas !== "number" || replicas <= 1) return [];
  return [
    `Traefik runs ${replicas} replicas with its certificates in the file ` +
      `${ACME_STORAGE}: replicas cannot share it, each would request certificates ` +
      "and overwrite the others' (fix: one replica; edge.traefik.replicas: 1)",
  ];
};

/** The ACME CA of a Traefik static configuration (traefik.yml in a Swarm config or a ConfigMap). */
const caServers = (r: Res): string[] => {
  const texts: string[] = [];
  if (
    r.type === "docker:index/serviceConfig:ServiceConfig" &&
    typeof r.props.data === "string" &&
    labelsOf(r)["recette.file"] === "traefik/traefik.yml"
  )
    texts.push(Buffer.from(r.props.data, "base64").toString("utf8"));
  if (r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["traefik.yml"] === "string")
    texts.push(r.props.data["traefik.yml"]);
  return texts.flatMap((t) => {
    const doc = parse(t) as { certificatesResolvers?: Record<string, { acme?: { caServer?: string } }> } | null;
    const resolvers = doc?.certificatesResolvers ?? {};
    return Object.values(resolvers).map((v) => v.acme?.caServer ?? LETS_ENCRYPT.production);
  });
};

/**
 * Whether the stack is production. The stack file says it (`recette:production: true`), which a policy
 * cannot read: the engine's Environment component passes it on as its `production` output.
 */
export const isProductionStack = (resources: Res[]): boolean =>
  resources.some((r) => {
    try {
      return r.type === "recette:index:Environment" && r.props.production === true;
    } catch {
      // An unknown value during a preview: not known to be production (the check runs again at up).
      return false;
    }
  });

/** Let's Encrypt staging on production serves untrusted certificates; production elsewhere spends its rate limits. */
export const acmeCa = (resources: Res[]): string[] => {
  const prod = isProductionStack(resources);
  return resources.flatMap((r) =>
    caServers(r).flatMap((ca) => {
      const stack = stackOf(r.urn);
      if (prod && ca === LETS_ENCRYPT.staging) {
        return [
          `stack ${stack} is production but uses the Let's Encrypt staging CA: browsers will not trust its ` +
            "certificates (fix: edge.traefik.acme.ca: auto or production)",
        ];
      }
      if (!prod && ca === LETS_ENCRYPT.production) {
        return [
          `stack ${stack} is not production (recette:production: true in its stack file) but uses the Let's ` +
            "Encrypt production CA: tests spend production's rate limits (fix: edge.traefik.acme.ca: auto or staging)",
        ];
      }
      return [];
    }),
  );
};

const isKept = (r: Res): boolean => isStatefulType(r.type) && labelsOf(r)["recette.keep"] === "true";

/** On production, a volume or claim that keeps data must be protected: the engine refuses to replace or delete it. */
export const prodDataProtected = (resources: Res[]): string[] =>
  isProductionStack(resources)
    ? resources
        .filter((r) => isKept(r) && r.opts?.protect !== true)
        .map(
          (r) =>
            `${r.type} ${r.name} keeps the stack's data but is not protected: a replace or delete would lose it ` +
            "(fix: protect: true, as swarm.Target and k3s.Target set for kept volumes on production stacks)",
        )
    : [];

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)/i;

/** A variable named like a secret holds its value in plain text (secrets go in files: <NAME>_FILE). */
export const secretsInEnv = (r: Res): string[] => {
  const env: [string, unknown][] =
    r.type === SERVICE
      ? Object.entries((r.props.taskSpec?.containerSpec?.env ?? {}) as Record<string, unknown>)
      : r.type === "kubernetes:apps/v1:Deployment"
        ? ((r.props.spec?.template?.spec?.containers ?? []) as { env?: { name: string; value?: unknown }[] }[]).flatMap(
            (c) =>
              (c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value] as [string, unknown]),
          )
        : [];
  return env
    .filter(([k]) => SECRET_NAME.test(k) && !/_FILE$/i.test(k))
    .map(
      ([k]) =>
        `${r.name} sets ${k} in its environment in plain text (fix: a { ` +
        `secret: key } reference, mounted as a file: ${k}_FILE=/run/secrets/…)`,
    );
};

const PUBLIC_PORTS = [22, 80, 443];

/** A security group accepts from anywhere only on SSH, HTTP and HTTPS. */
export const openPorts = (r: Res): string[] => {
  if (!SECURITY_GROUPS.includes(r.type)) return [];
  return (
    (r.props.inboundRules ?? []) as {
      action?: string;
      port?: number;
      portRange?: string;
      ipRange?: string;
      protocol?: string;
    }[]
  )
    .filter((rule) => (rule.action ?? "accept") === "accept" && ["0.0.0.0/0", "::/0", undefined].includes(rule.ipRange))
    .filter((rule) => (rule.port === undefined ? true : !PUBLIC_PORTS.includes(rule.port)))
    .map(
      (rule) =>
        `security group ${r.name} accepts ${rule.protocol ?? "any protocol"} port ` +
        `${rule.port ?? rule.portRange ?? "(all)"} from anywhere (fix: only 22, 80 and 443 are ` +
        "public; cluster ports from the private network, the k3s API from nodes.apiAllowFrom)",
    );
};

/** k3s on nodes at or under the memory floor (engine/capacity.ts: the article's measures). */
export const k3sMemoryFloor = (resources: Res[]): string[] => {
  if (!resources.some((r) => r.type.startsWith("recette:k3s:"))) return [];
  return resources
    .filter((r) => SERVER_TYPES.includes(r.type))
    .flatMap((r) => {
      const t = findNodeType(String(r.props.type));
      return t && t.memoryMiB <= K3S_REFUSE_AT_MIB
        ? [
            `node ${nodeNameOf(r)} (${t.type}, ${t.memoryMiB} MiB) is under k3s's memory ` +
              `floor: k3s alone takes about ${ORCHESTRATOR["k3s-server"].mib} MiB (fix: ` +
              "a type with at least 2 GiB, e.g. DEV1-S, or orchestrator.kind: swarm)",
          ]
        : [];
    });
};
