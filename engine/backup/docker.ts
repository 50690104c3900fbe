import {
  HELPER_SECONDS,
  ownVolumes,
  Refused,
  runCli,
  type Helper,
  type HelperSpec,
  type Run,
  type RunOptions,
  type Site,
  type StackVolume,
  type VolumeUser,
} from "./site";

/**
 * One Docker engine, reached by the `docker` CLI: `host` is what DOCKER_HOST would say (unix:///…,
 * ssh://user@node, tcp://…); undefined keeps the caller's environment (DOCKER_HOST or the local socket).
 * Every command is an argument list: nothing reaches a shell on this machine.
 */
export interface Engine {
  host?: string;
}

export const engineName = (e: Engine): string => e.host ?? process.env.DOCKER_HOST ?? "the local Docker engine";

export class DockerFailed extends Error {}

/** Runs `docker <args>`; rejects with DockerFailed (the command and its stderr) on a non-zero exit. */
export const docker = (e: Engine, args: string[], opts: RunOptions = {}): Promise<Run> =>
  runCli(
    "docker",
    args,
    { ...opts, env: { ...process.env, ...(e.host ? { DOCKER_HOST: e.host } : {}) } },
    {
      start: (x) => new DockerFailed(`docker ${args[0]}: ${x.message} (is the docker CLI installed?)`),
      exit: (code, stderr) =>
        new DockerFailed(`docker ${args.slice(0, 2).join(" ")} on ${engineName(e)} failed (exit ${code}): ${stderr}`),
    },
  );

const lines = (r: Run) => r.stdout.toString("utf8").split("\n").filter(Boolean);

/**
 * The stack's kept volumes of the given workloads, found by their labels (`recette.stack`,
 * `recette.workload`, `recette.keep=true`) on one engine; a volume whose name does not start with
 * the stack's prefix is ignored, so a stray label cannot pull in someone else's volume.
 */
export const findVolumes = async (e: Engine, prefix: string, workloads: string[]): Promise<StackVolume[]> => {
  const names = lines(
    await docker(e, [
      "volume",
      "ls",
      "--quiet",
      "--filter",
      `label=recette.stack=${prefix}`,
      "--filter",
      "label=recette.keep=true",
    ]),
  );
  if (names.length === 0) return [];
  const inspected = JSON.parse((await docker(e, ["volume", "inspect", ...names])).stdout.toString("utf8")) as {
    Name: string;
    Labels: Record<string, string> | null;
  }[];
  return ownVolumes(
    prefix,
    workloads,
    inspected.map((v) => ({ name: v.Name, labels: v.Labels })),
  );
};

/** Running containers that mount the volume on this engine. */
export const volumeUsers = async (e: Engine, volume: string): Promise<VolumeUser[]> =>
  lines(
    await docker(e, [
      "ps",
      "--filter",
      `volume=${volume}`,
      "--format",
      '{{.Names}}\t{{.Label "com.docker.swarm.service.name"}}',
    ]),
  ).map((l) => {
    const [container, service] = l.split("\t");
    return { container: container!, ...(service ? { service } : {}) };
  });

/** The stack's Swarm services of a workload with their replicas; [] when the engine is not a Swarm manager. */
export const workloadServices = async (
  manager: Engine,
  prefix: string,
  workload: string,
): Promise<{ name: string; replicas: number }[]> => {
  let names: string[];
  try {
    names = lines(
      await docker(manager, [
        "service",
        "ls",
        "--filter",
        `label=recette.stack=${prefix}`,
        "--filter",
        `label=recette.workload=${workload}`,
        "--format",
        "{{.Name}}",
      ]),
    );
  } catch (x) {
    if (/not a swarm manager/i.test((x as Error).message)) return [];
    throw x;
  }
  const out = [];
  for (const name of names) {
    const r = (
      await docker(manager, [
        "service",
        "inspect",
        "--format",
        "{{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{else}}-1{{end}}",
        name,
      ])
    ).stdout
      .toString()
      .trim();
    out.push({ name, replicas: Number(r) });
  }
  return out;
};

/** A Swarm node: its ID (what decides) and its host name (what people read; two nodes may share one). */
export interface SwarmNode {
  id: string;
  name: string;
}

/** The nodes running a service's tasks. */
export const taskNodes = async (manager: Engine, service: string): Promise<SwarmNode[]> => {
  const tasks = lines(
    await docker(manager, [
      "service",
      "ps",
      "--no-trunc",
      "--filter",
      "desired-state=running",
      "--format",
      "{{.ID}}\t{{.Node}}",
      service,
    ]),
  ).map((l) => l.split("\t"));
  if (tasks.length === 0) return [];
  const ids = lines(
    await docker(manager, ["inspect", "--type", "task", "--format", "{{.NodeID}}", ...tasks.map(([id]) => id!)]),
  );
  const nodes = new Map<string, SwarmNode>();
  tasks.forEach(([, name], i) => {
    nodes.set(ids[i]!, { id: ids[i]!, name: name ?? "" });
  });
  return [...nodes.values()];
};

/** The Swarm node an engine is ("" for the ID when it is not in a Swarm). */
export const engineNode = async (e: Engine): Promise<SwarmNode> => {
  const [id, name] = (await docker(e, ["info", "--format", "{{.Swarm.NodeID}}\t{{.Name}}"])).stdout
    .toString()
    .trim()
    .split("\t");
  return { id: id ?? "", name: name ?? "" };
};

export const scaleService = (manager: Engine, service: string, replicas: number) =>
  docker(manager, ["service", "scale", "--detach=false", `${service}=${replicas}`]);

/** A short-lived helper container holding the volumes; it removes itself when its bounded sleep ends. */
const startHelper = async (site: Site, e: Engine, a: HelperSpec): Promise<Helper> => {
  await docker(e, [
    "run",
    "--detach",
    "--rm",
    "--name",
    a.name,
    ...Object.entries(a.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    "--network",
    "none",
    "--user",
    "0:0",
    ...a.mounts.flatMap((m) => [
      "--mount",
      `type=volume,source=${m.volume},target=${m.target}${m.readOnly ? ",readonly" : ""}`,
    ]),
    "--entrypoint",
    "sleep",
    a.image,
    String(HELPER_SECONDS),
  ]);
  return { site, name: a.name };
};

/**
 * On a Swarm, a local volume lives on the node that runs the task: refuse to read or write the copy
 * on any other node (it would be stale, or not the one the service mounts).
 */
const checkPlacement = async (engine: Engine, manager: Engine, prefix: string, workloads: string[]): Promise<void> => {
  const here = await engineNode(engine);
  for (const w of workloads) {
    for (const s of await workloadServices(manager, prefix, w)) {
      const elsewhere = (await taskNodes(manager, s.name)).filter((n) => n.id !== here.id);
      if (elsewhere.length) {
        const node = (n: SwarmNode) => `${n.name} (node ${n.id.slice(0, 12) || "outside the Swarm"})`;
        throw new Refused(
          `service ${s.name} runs on ${elsewhere.map(node).join(", ")}, but --host ` +
            `reaches ${node(here)}: its volume there is not the one the service uses. Pass ` +
            `--host ssh://<user>@<that node's address> and --manager ${engineName(manager)}`,
        );
      }
    }
  }
};

/** The image names a registry (its first part is a host: a dot, a port or localhost), as `docker pull` reads it. */
export const namesRegistry = (image: string): boolean => {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
};

/** The helper image is on the engine: there already, or pulled from its registry as a task's image would be. */
const ensureImage = async (e: Engine, image: string): Promise<void> => {
  try {
    await docker(e, ["image", "inspect", "--format", "{{.Id}}", image]);
    return;
  } catch {
    /* not there: pulled below when it names a registry */
  }
  const fix = "or pass --helper-image <any image with GNU tar, coreutils and findutils>";
  if (!namesRegistry(image))
    throw new Refused(`the helper image ${image} is not on ${engineName(e)}: build or pull it there, ${fix}`);
  try {
    await docker(e, ["pull", "--quiet", image]);
  } catch (err) {
    throw new Refused(
      `the helper image ${image} is not on ${engineName(e)} and pulling it failed ` +
        `(${(err as Error).message.trim().split("\n").pop()}): push it with scripts/build-images --push, ${fix}`,
    );
  }
};

/**
 * A Swarm's (or a lone engine's) volumes: `engine` holds them (the node running the workloads'
 * tasks), `manager` answers for services (the same engine unless --manager says otherwise).
 */
export const dockerSite = (engine: Engine, manager: Engine = engine): Site => {
  const site: Site = {
    name: engineName(engine),
    volumes: (prefix, workloads) => findVolumes(engine, prefix, workloads),
    checkPlacement: (prefix, workloads) => checkPlacement(engine, manager, prefix, workloads),
    ensureImage: (image) => ensureImage(engine, image),
    startHelper: (a) => startHelper(site, engine, a),
    exec: (h, argv, opts = {}) =>
      docker(engine, ["exec", ...(opts.input !== undefined ? ["--interactive"] : []), h.name, ...argv], opts),
    removeHelper: async (h) => {
      await docker(engine, ["rm", "--force", h.name]).catch(() => undefined);
    },
    volumeUsers: (volume) => volumeUsers(engine, volume),
    workloadServices: (prefix, workload) => workloadServices(manager, prefix, workload),
    scale: async (service, replicas) => {
      await scaleService(manager, service, replicas);
    },
  };
  return site;
};
