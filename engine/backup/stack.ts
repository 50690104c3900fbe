import { randomBytes } from "node:crypto";
import { stackPrefix } from "../../components/naming";
import { PROJECT } from "../stack-name";
import { docker, engineName, exec, engineNode, findVolumes, taskNodes, workloadServices, type Engine, type Helper, type StackVolume, type SwarmNode } from "./docker";
import { ArchiveRefused } from "./manifest";
import { LEFTOVERS } from "./scripts";

export { PROJECT };

/** A backup or restore refused before (or instead of) changing anything; the message says what to do. */
export class Refused extends Error {}

/** Where a stack's volumes are and who may act on them. */
export interface Place {
  stack: string;
  prefix: string;
  /** The engine holding the volumes (the node running the workloads' tasks). */
  engine: Engine;
  /** A Swarm manager, for services: the same engine unless --manager says otherwise. */
  manager: Engine;
}

export const placeOf = (stack: string, engine: Engine, manager: Engine): Place => ({ stack, prefix: stackPrefix({ project: PROJECT, stack, recipe: "" }), engine, manager });

export const helperName = (p: Place, what: "backup" | "restore") => `${p.prefix}-${what}-${randomBytes(4).toString("hex")}`;

/** The stack's kept volumes of these workloads; every workload must have one. */
export const stackVolumes = async (p: Place, workloads: string[]): Promise<StackVolume[]> => {
  const volumes = await findVolumes(p.engine, p.prefix, workloads);
  for (const w of workloads) {
    if (!volumes.some((v) => v.workload === w)) {
      throw new Refused(
        `no kept volume of workload ${w} on ${engineName(p.engine)} (looked for labels recette.stack=${p.prefix}, recette.workload=${w}, recette.keep=true): is stack ${p.stack} deployed here? On a multi-node Swarm point --host at the node that runs ${w} (ssh://user@node), or leave ${w} out with --workload`,
      );
    }
  }
  return volumes;
};

/**
 * On a Swarm, a local volume lives on the node that runs the task: refuse to read or write the copy
 * on any other node (it would be stale, or not the one the service mounts).
 */
export const checkPlacement = async (p: Place, workloads: string[]): Promise<void> => {
  const here = await engineNode(p.engine);
  for (const w of workloads) {
    for (const s of await workloadServices(p.manager, p.prefix, w)) {
      const elsewhere = (await taskNodes(p.manager, s.name)).filter((n) => n.id !== here.id);
      if (elsewhere.length) {
        const node = (n: SwarmNode) => `${n.name} (node ${n.id.slice(0, 12) || "outside the Swarm"})`;
        throw new Refused(
          `service ${s.name} runs on ${elsewhere.map(node).join(", ")}, but --host reaches ${node(here)}: its volume there is not the one the service uses. Pass --host ssh://<user>@<that node's address> and --manager ${engineName(p.manager)}`,
        );
      }
    }
  }
};

/** A restore that did not finish leaves its work directories: refuse to stack another on top of them. */
export const checkNoLeftovers = async (h: Helper, root: string, volume: string): Promise<void> => {
  const left = (await exec(h, ["bash", "-c", LEFTOVERS, "bash", root])).stdout.toString().split("\n").filter(Boolean);
  if (left.length) {
    throw new Refused(`volume ${volume} holds ${left.join(", ")}: a restore did not finish. Inspect it (the previous data is in .recette-previous-*), move back what you need, remove both, then run again`);
  }
};

/** The image names a registry (its first part is a host: a dot, a port or localhost), as `docker pull` reads it. */
export const namesRegistry = (image: string): boolean => {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
};

/** The helper image is on the engine: there already, or pulled from its registry as a task's image would be. */
export const ensureImage = async (e: Engine, image: string): Promise<void> => {
  try {
    await docker(e, ["image", "inspect", "--format", "{{.Id}}", image]);
    return;
  } catch {
    /* not there: pulled below when it names a registry */
  }
  const fix = "or pass --helper-image <any image with GNU tar, coreutils and findutils>";
  if (!namesRegistry(image)) throw new Refused(`the helper image ${image} is not on ${engineName(e)}: build or pull it there, ${fix}`);
  try {
    await docker(e, ["pull", "--quiet", image]);
  } catch (err) {
    throw new Refused(`the helper image ${image} is not on ${engineName(e)} and pulling it failed (${(err as Error).message.trim().split("\n").pop()}): push it with scripts/build-images --push, ${fix}`);
  }
};

export { ArchiveRefused };
