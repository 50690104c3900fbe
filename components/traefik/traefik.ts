import * as pulumi from "@pulumi/pulumi";
import { workloadDefaults, type Workload, type WorkloadTarget } from "../workload";
import { DASHBOARD_USERS_FILE, DYNAMIC_FILE, renderDynamicConfig, renderStaticConfig, STATIC_FILE } from "./config";
import { argumentsError, type ArgProblem } from "../problems";
import { TRAEFIK_OBJECTS } from "./objects";
import { validateTraefikReplicas } from "./validate";

export interface TraefikArgs {
  target: WorkloadTarget;
  image: string;
  /** ACME account e-mail. */
  email: pulumi.Input<string>;
  /** ACME directory URL (see resolveCaServer). */
  caServer: string;
  /** HTTP-01 or TLS-ALPN-01. Defaults to http. */
  challenge?: "http" | "tls";
  /** Minimum TLS version. Defaults to 1.2. */
  minTls?: "1.2" | "1.3";
  /** Dashboard host and htpasswd lines (a secret). Off when undefined. */
  dashboard?: { host: string; users: pulumi.Input<string> };
  /** Must be 1: acme.json cannot be shared between replicas. Defaults to 1. */
  replicas?: number;
  /** Host names that resolve to Traefik on the stack network (local ACME validation). Defaults to none. */
  aliases?: string[];
  /** Node ports for HTTP and HTTPS. Defaults to 80 and 443. */
  ports?: { http: number; https: number };
  /** Wait between publishing an ACME challenge and its validation (see TraefikConfigArgs). Defaults to none. */
  challengeDelay?: string;
  /** Extra CA certificate (PEM) Traefik trusts for the ACME directory, e.g. the local Pebble CA. */
  acmeCaCertificate?: pulumi.Input<string>;
}

/** Every problem with the arguments (the same check recipe validation runs, in components/traefik/validate.ts). */
export const validateTraefikArgs = (a: TraefikArgs): ArgProblem[] => validateTraefikReplicas(a);

/**
 * The Traefik Workload: static and dynamic config files, acme.json on a kept volume, ports 80/443. Its
 * volumes, secrets and files are named in TRAEFIK_OBJECTS (objects.ts), whose `when` conditions are the
 * tests made here (components/objects.test.ts and engine/model/rules/names.test.ts build every option).
 */
export const traefikWorkload = (a: TraefikArgs): Workload => {
  const O = TRAEFIK_OBJECTS;
  const challenge = a.challenge ?? "http";
  const staticConfig = pulumi.output(a.email).apply((email) =>
    renderStaticConfig({
      email,
      caServer: a.caServer,
      challenge,
      providers: a.target.traefikProviders(),
      dashboard: a.dashboard !== undefined,
      ...(a.challengeDelay ? { challengeDelay: a.challengeDelay } : {}),
    }),
  );
  const caFile = "/etc/traefik/acme-ca.pem";
  return {
    ...workloadDefaults(),
    name: O.name,
    image: a.image,
    args: [`--configFile=${STATIC_FILE}`],
    env: a.acmeCaCertificate ? { LEGO_CA_CERTIFICATES: caFile } : {},
    files: [
      { name: O.files.static.name, path: STATIC_FILE, content: staticConfig },
      {
        name: O.files.dynamic.name,
        path: DYNAMIC_FILE,
        content: renderDynamicConfig(a.minTls ?? "1.2", a.dashboard?.host),
      },
      ...(a.acmeCaCertificate ? [{ name: O.files.acmeCa.name, path: caFile, content: a.acmeCaCertificate }] : []),
    ],
    secrets: a.dashboard
      ? [{ name: O.secrets.dashboardUsers.name, path: DASHBOARD_USERS_FILE, content: a.dashboard.users }]
      : [],
    // acme.json lives here; losing it means re-issuing every certificate (and meeting rate limits).
    volumes: [{ name: O.volumes.acme.name, path: "/data", sizeMiB: 64, keep: true }],
    published: [
      { published: a.ports?.http ?? 80, target: 80, protocol: "tcp" },
      { published: a.ports?.https ?? 443, target: 443, protocol: "tcp" },
    ],
    ports: [80, 443],
    health: {
      command: ["traefik", "healthcheck", `--configFile=${STATIC_FILE}`],
      interval: "10s",
      timeout: "5s",
      retries: 3,
      startPeriod: "10s",
    },
    replicas: 1,
    // One replica with host ports: the old task must stop before the new one can bind 80/443.
    update: { parallelism: 1, delay: "5s", order: "stop-first" },
    resources: { memoryMiB: 256 },
    aliases: a.aliases ?? [],
    readsOrchestrator: true,
    preserveClientIp: true,
  };
};

/** Traefik v3 as the edge router with ACME certificates, on Swarm or k3s. */
export class Traefik extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
    super("recette:traefik:Traefik", name, {}, opts);
    const problems = validateTraefikArgs(args);
    if (problems.length) throw argumentsError("recette:traefik:Traefik", name, problems);
    const deployed = args.target.deploy(traefikWorkload(args), this);
    this.serviceName = deployed.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
