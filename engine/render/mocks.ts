import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { physicalName, stackPrefix } from "../../components/naming";
import { EDGE_LABEL } from "../../components/swarm/labels";
import { networkLogical } from "../../components/workload-names";

/** One registered resource as `recette render` and the tests see it. */
export interface Registration {
  type: string;
  name: string;
  /** `type::name` of the parent, or "" at the top. */
  parent: string;
  /** Inputs with every secret replaced by "[secret]". */
  inputs: Record<string, unknown>;
  custom: boolean;
  /** The names it had before (its aliases' names): a renamed resource is the same one in a deployed stack. */
  aliases: string[];
}

export const SECRET = "[secret]";

// The mock monitor deserialises secrets as tagged objects; this is how the SDK marks them.
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  isRpcSecret(v: unknown): boolean;
  deserializeProperties(s: unknown): Record<string, unknown>;
};
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: new (m: pulumi.runtime.Mocks) => MockMonitorLike;
};
const settings = require("@pulumi/pulumi/runtime/settings") as {
  setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
  waitForRPCs(): Promise<void>;
};

const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

interface MockMonitorLike {
  registerResource(req: RegisterRequest, cb: (err: unknown, res?: unknown) => void): Promise<void>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getAliasesList(): { getSpec(): { getName(): string } | undefined }[];
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
}

/** Replaces secret values (and anything below them) by "[secret]". */
export const redact = (v: unknown): unknown => {
  if (rpc.isRpcSecret(v)) return SECRET;
  if (Array.isArray(v)) return v.map(redact);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  return v;
};

const parentOf = (urn: string): string => {
  if (!urn) return "";
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type}::${parts[3] ?? ""}`;
};

const digest = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);
const octet = (s: string) => (Number.parseInt(digest(s, 2), 16) % 200) + 10;

const FAKE_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: default, cluster: {server: 'https://192.0.2.10:6443'}}]",
  "users: [{name: default, user: {token: mock}}]",
  "contexts: [{name: default, context: {cluster: default, user: default}}]",
  "current-context: default",
].join("\n");

/**
 * What a recette stack named by a StackReference (organization/project/stack) exports, as a derived stack
 * reads it (engine/compose/compose.ts), on the given orchestrator: a Swarm edge on this machine's engine with
 * its network and label, or a Kubernetes edge with its label and kubeconfig.
 */
const referencedStack = (qualified: string, orchestrator: "swarm" | "k3s"): Record<string, unknown> => {
  const [, project = "recette", stack = "base"] = qualified.split("/");
  const naming = { project, stack, recipe: "" };
  const edge = {
    orchestrator,
    label: { name: EDGE_LABEL, value: stackPrefix(naming) },
    entrypoint: "websecure",
    certResolver: "le",
  };
  return orchestrator === "swarm"
    ? {
        edge: { ...edge, network: physicalName(naming, networkLogical(false)) },
        dockerHost: "unix:///var/run/docker.sock",
        routingMesh: false,
      }
    : { edge: { ...edge, namespace: stackPrefix(naming) }, kubeconfig: FAKE_KUBECONFIG };
};

/** What a resource's provider would return, deterministically, so outputs flow through the program. */
export const mockState = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  referenced: "swarm" | "k3s" = "swarm",
): Record<string, unknown> => {
  if (type.startsWith("command:")) {
    let stdout = "";
    if (name.endsWith("-swarm-init") || name.endsWith("-swarm-join")) stdout = `mocknode${digest(name, 12)}`;
    else if (name.includes("-swarm-token-")) stdout = "SWMTKN-mock";
    else if (name.endsWith("-k3s-kubeconfig")) stdout = FAKE_KUBECONFIG;
    else if (name.endsWith("-ca")) stdout = "-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----";
    // The preflight answers nothing under mocks: the program then falls back to the kernel catalogue or the recipe.
    return { ...inputs, stdout, stderr: "" };
  }
  switch (type) {
    case "pulumi:pulumi:StackReference":
      return {
        ...inputs,
        outputs: referencedStack(String(inputs.name ?? ""), referenced),
        secretOutputNames: ["dockerHost", "kubeconfig"],
      };
    case "scaleway:instance/ip:Ip":
      return { ...inputs, address: `192.0.2.${octet(name)}` };
    case "scaleway:instance/privateNic:PrivateNic":
      return { ...inputs, privateIps: [{ id: `ip-${digest(name, 8)}`, address: `172.16.16.${octet(name)}` }] };
    case "random:index/randomId:RandomId":
      return { ...inputs, hex: digest(name, 8), b64Std: "", dec: "" };
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `mock-${digest(name, 16)}` };
    case "docker:index/remoteImage:RemoteImage": {
      // What the engine reports after a pull: the repository (no tag) at the manifest's digest.
      const image = String(inputs.name ?? "");
      const repository = image.replace(/@.*$/, "").replace(/:[^:/]+$/, "");
      return {
        ...inputs,
        repoDigest: `${repository}@sha256:${digest(image, 64)}`,
        imageId: `sha256:${digest(`${image}-id`, 64)}`,
      };
    }
    default:
      return { ...inputs };
  }
};

/**
 * Installs Pulumi mocks that record every registration. Returns the list, filled as the program runs,
 * and a function that waits for the program to finish registering. A stack another one references (a derived
 * stack's base) answers as a stack on `referenced` (render gives the recipe's own orchestrator).
 */
export const installRecorder = (
  project: string,
  stack: string,
  preview = false,
  referenced: "swarm" | "k3s" = "swarm",
) => {
  const registrations: Registration[] = [];
  // A renamed resource (an alias to its former name) is the same resource: its provider answers what it answered
  // under that name, so a rename alone changes no rendered value (mock ids and states are derived from the name).
  const formerNames = new Map<string, string>();
  const stateName = (type: string, name: string) => formerNames.get(`${type}::${name}`) ?? name;
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({
      id: `${stateName(args.type, args.name)}-id`,
      state: mockState(args.type, stateName(args.type, args.name), args.inputs, referenced),
    }),
    // An invoke answers its inputs, with an ID for a lookup by name (docker.getNetwork).
    call: (args) =>
      args.token === "docker:index/getNetwork:getNetwork"
        ? { ...args.inputs, id: `${args.inputs.name}-id` }
        : args.inputs,
  };
  const monitor = new MockMonitor(mocks);
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = async (req, cb) => {
    const aliases = req
      .getAliasesList()
      .map((a) => a.getSpec()?.getName() ?? "")
      .filter((n) => n !== "");
    if (aliases[0]) formerNames.set(`${req.getType()}::${req.getName()}`, aliases[0]);
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      parent: parentOf(req.getParent()),
      inputs: redact(rpc.deserializeProperties(req.getObject())) as Record<string, unknown>,
      custom: req.getCustom(),
      aliases,
    });
    return register(req, cb);
  };
  settings.setMockOptions(monitor, project, stack, preview);
  // The same feature switches pulumi.runtime.setMocks turns on.
  Object.assign(state.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
  });
  return { registrations, settle: () => settings.waitForRPCs() };
};
