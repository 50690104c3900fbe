import * as z from "zod";
import { fieldOf } from "./formats";

const Swarm = z
  .object({
    kind: z.literal("swarm"),
    version: z
      .string()
      .regex(/^\d+\.\d+$/, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a Docker version pin (expected e.g. 20.10)`,
      })
      .default("20.10")
      .describe("Docker Engine version pinned on the nodes (Debian's docker.io). Defaults to 20.10."),
    routingMesh: z
      .enum(["required", "fallback"])
      .default("required")
      .describe(
        "What to do when a node's kernel lacks IPVS: `required` fails the deployment naming the " +
          "node; `fallback` publishes in host mode with dnsrr endpoints instead. Defaults to required.",
      ),
    autolock: z
      .boolean()
      .default(false)
      .describe("Swarm autolock (managers need the unlock key after a restart). Defaults to false."),
    encryptOverlay: z
      .boolean()
      .default(false)
      .describe("Encrypt the stack's overlay network (IPsec). Defaults to false."),
  })
  .strict();

const K3s = z
  .object({
    kind: z.literal("k3s"),
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+\+k3s\d+$/, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a k3s version (expected e.g. v1.32.1+k3s1)`,
      })
      .default("v1.32.1+k3s1")
      .describe("Pinned k3s release. Changing it upgrades servers first, then agents. Defaults to v1.32.1+k3s1."),
    datastore: z
      .enum(["sqlite", "etcd"])
      .optional()
      .describe(
        "sqlite for one server, embedded etcd for three. Defaults " +
          "to etcd when there are 3 or more servers, sqlite otherwise.",
      ),
  })
  .strict();

export const Orchestrator = z
  .discriminatedUnion("kind", [Swarm, K3s], {
    error: (iss) => `kind ${JSON.stringify(fieldOf(iss.input, "kind"))} is not one of swarm | k3s`,
  })
  .describe("The cluster: Docker Swarm or k3s.");

export type Orchestrator = z.infer<typeof Orchestrator>;
