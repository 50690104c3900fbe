import { randomBytes } from "node:crypto";
import { stackPrefix } from "../../components/naming";
import { stackShortName } from "../stack/name";
import { ArchiveRefused } from "./manifest";
import { LEFTOVERS } from "./scripts";
import { exec, Refused, type Helper, type Site, type StackVolume } from "./site";

export { Refused };

/** Where a stack's volumes are and who may act on them. */
export interface Place {
  /** The Pulumi project (its Pulumi.yaml name): the first part of every physical name. */
  project: string;
  stack: string;
  prefix: string;
  /** The Docker engine (and Swarm manager) or the Kubernetes namespace holding the volumes. */
  site: Site;
  /** What to say when a workload has no volume there (where else to look). */
  elsewhere: (workload: string) => string;
}

/** The prefix of a stack's object names and labels (`<project>-<stack>`); on k3s, its namespace too. */
export const prefixOf = (project: string, stack: string): string =>
  stackPrefix({ project, stack: stackShortName(stack), recipe: "" });

export const placeOf = (
  project: string,
  stack: string,
  site: Site,
  elsewhere: (workload: string) => string = () => "",
): Place => ({
  project,
  stack,
  prefix: prefixOf(project, stack),
  site,
  elsewhere,
});

export const helperName = (p: Place, what: "backup" | "restore") =>
  `${p.prefix}-${what}-${randomBytes(4).toString("hex")}`;

/** The stack's kept volumes of these workloads; every workload must have one. */
export const stackVolumes = async (p: Place, workloads: string[]): Promise<StackVolume[]> => {
  const volumes = await p.site.volumes(p.prefix, workloads);
  for (const w of workloads) {
    if (!volumes.some((v) => v.workload === w)) {
      throw new Refused(
        (
          `no kept volume of workload ${w} on ${p.site.name} (looked for labels recette.stack=${p.prefix}, ` +
          `recette.workload=${w}, recette.keep=true): is stack ${p.stack} deployed here? ${p.elsewhere(w)}`
        ).trimEnd(),
      );
    }
  }
  return volumes;
};

/** A restore that did not finish leaves its work directories: refuse to stack another on top of them. */
export const checkNoLeftovers = async (h: Helper, root: string, volume: string): Promise<void> => {
  const left = (await exec(h, ["bash", "-c", LEFTOVERS, "bash", root])).stdout.toString().split("\n").filter(Boolean);
  if (left.length) {
    throw new Refused(
      `volume ${volume} holds ${left.join(", ")}: a restore did not finish. Inspect it (the previous ` +
        "data is in .recette-previous-*), move back what you need, remove both, then run again",
    );
  }
};

export { ArchiveRefused };
