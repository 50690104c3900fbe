import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { PassThrough } from "node:stream";
import { isDeepStrictEqual } from "node:util";
import { verifyArchiveFile, verifyArchiveStream } from "./archive";
import { archivePath, compareWithManifest, type Manifest, type Observed } from "./manifest";
import { inventory } from "./backup";
import { extractArgs, ROLLBACK, SWAP } from "./scripts";
import { exec, type Helper, type StackVolume } from "./site";
import { checkNoLeftovers, helperName, Refused, stackVolumes, type Place } from "./stack";

export interface RestoreOptions {
  place: Place;
  file: string;
  /** The archive's stack when it is not this one: restoring another stack's data must be asked for by name. */
  fromStack?: string;
  /** Scale the services using the volumes to 0 for the swap, then back. Without it a volume in use is refused. */
  stop: boolean;
  image: string;
  log: (s: string) => void;
  /**
   * Only these workloads' volumes (recette drill: the apps; a drill stack has no Traefik). Each must be in the
   * archive. Defaults to every volume the archive holds.
   */
  workloads?: string[];
}

/** Why an archive may not go into this stack, or undefined: another stack or recipe needs --from-stack <its stack>. */
export const foreignProblem = (
  m: Manifest,
  stack: string,
  recipe: string,
  fromStack: string | undefined,
): string | undefined => {
  if (fromStack !== undefined && fromStack !== m.stack)
    return `--from-stack ${fromStack} does not match the archive, which comes from stack ${m.stack}`;
  if (fromStack === undefined && m.stack !== stack)
    return (
      `the archive comes from stack ${m.stack}, not ${stack} ` +
      `(to restore another stack's data here, say so: --from-stack ${m.stack})`
    );
  if (fromStack === undefined && m.recipe !== recipe)
    return (
      `the archive comes from recipe ${m.recipe}, but stack ${stack} runs ` +
      `recipe ${recipe} (to restore it anyway: --from-stack ${m.stack})`
    );
  return undefined;
};

/** The archive's volumes mapped to the stack's, by workload label and logical name. */
const mapVolumes = (m: Manifest, have: StackVolume[]): StackVolume[] =>
  m.volumes.map((v) => {
    const target = have.find((t) => t.workload === v.workload && t.logical === v.logical);
    if (!target)
      throw new Refused(
        `the stack has no volume ${v.logical} of workload ${v.workload} ` +
          "to restore into (deploy the stack first: pulumi up)",
      );
    return target;
  });

const rootMeta = (o: Observed | undefined) => ({
  owner: `${o?.uid ?? 0}:${o?.gid ?? 0}`,
  mode: ((o?.mode ?? 0o755) & 0o7777).toString(8),
});

/** Puts the archive's data into the stack's volumes; resolves to the manifest restored. */
export const restoreStack = async (o: RestoreOptions): Promise<Manifest> => {
  // 1. The whole archive is checked before anything else is touched.
  const manifest = await verifyArchiveFile(o.file);
  const archived = [...new Set(manifest.volumes.map((v) => v.workload))];
  const missing = (o.workloads ?? []).filter((w) => !archived.includes(w));
  if (missing.length)
    throw new Refused(`${o.file} holds no volume of workload ${missing.join(", ")} (it holds ${archived.join(", ")})`);
  const workloads = o.workloads ?? archived;
  const have = await stackVolumes(o.place, workloads);
  const recipe = have[0]!.recipe;
  const foreign = foreignProblem(manifest, o.place.stack, recipe, o.fromStack);
  if (foreign) throw new Refused(foreign);
  const targets = mapVolumes(
    { ...manifest, volumes: manifest.volumes.filter((v) => workloads.includes(v.workload)) },
    have,
  );
  const { site } = o.place;
  await site.checkPlacement(o.place.prefix, workloads);
  await site.ensureImage(o.image);

  // 2. Who uses the volumes: only this stack's services may be stopped, and only with --stop.
  const services = new Map<string, number>();
  for (const w of workloads)
    for (const s of await site.workloadServices(o.place.prefix, w)) services.set(s.name, s.replicas);
  for (const t of targets) {
    for (const u of await site.volumeUsers(t.name)) {
      if (!u.service || !services.has(u.service))
        throw new Refused(
          `volume ${t.name} is in use by container ${u.container}, which is ` +
            `not a service of stack ${o.place.stack}: stop it, then restore`,
        );
      if (!o.stop)
        throw new Refused(
          `volume ${t.name} is in use by service ${u.service}: pass --stop to scale it to 0 for ` +
            "the swap and back afterwards (the data is staged and verified first, while it runs)",
        );
    }
  }
  const toStop = o.stop ? [...services].filter(([, n]) => n > 0) : [];

  const id = randomBytes(4).toString("hex");
  const stage = `.recette-restore-${id}`;
  const previous = `.recette-previous-${id}`;
  const h = await site.startHelper({
    name: helperName(o.place, "restore"),
    image: o.image,
    labels: { "recette.stack": o.place.prefix, "recette.helper": "restore" },
    mounts: targets.map((t) => ({ volume: t.name, target: `/v/${t.logical}`, readOnly: false })),
  });
  const swapped: { logical: string; root: ReturnType<typeof rootMeta> }[] = [];
  const stopped: [string, number][] = [];
  try {
    // 3. Staging: each volume gets the archive's copy in a new directory inside it (the same filesystem,
    //    so the swap is renames only). The bytes sent are checked again on the way, then on the volume.
    for (const t of targets) await checkNoLeftovers(h, `/v/${t.logical}`, t.name);
    const roots = new Map<string, ReturnType<typeof rootMeta>>();
    for (const t of targets) {
      roots.set(t.logical, rootMeta((await inventory(h, `/v/${t.logical}`)).get("")));
      await exec(h, ["mkdir", "-m", "0700", `/v/${t.logical}/${stage}`]);
      const tee = new PassThrough();
      const again = verifyArchiveStream(tee.pipe(new PassThrough()));
      const sent = exec(h, extractArgs(`/v/${t.logical}`, stage, t.logical), { input: tee });
      fs.createReadStream(o.file).pipe(tee);
      // Both settle before anything else happens: no cleanup may race a tar still writing.
      const [second, extracted] = await Promise.allSettled([again, sent]);
      if (second.status === "rejected") throw second.reason;
      if (extracted.status === "rejected") throw extracted.reason;
      if (!isDeepStrictEqual(second.value, manifest))
        throw new Refused(`${o.file} changed while it was being restored; nothing swapped`);
      const staged = await inventory(h, `/v/${t.logical}/${stage}`);
      const found = new Map(
        [...staged]
          .filter(([p]) => p !== "")
          .map(([p, x]) => [archivePath({ volume: t.logical, path: p }), x] as const),
      );
      const root = manifest.files.find((e) => e.volume === t.logical && e.path === "")!;
      found.set(archivePath(root), { type: "dir", mode: parseInt(root.mode, 8), uid: root.uid, gid: root.gid });
      const bad = compareWithManifest(manifest, found, [t.logical]);
      if (bad)
        throw new Refused(`the copy staged in volume ${t.name} does not match the archive: ${bad}; nothing swapped`);
    }
    o.log(
      `staged and verified ${manifest.files.filter((e) => e.type === "file").length} ` +
        `files in ${targets.length} volume(s)`,
    );

    // 4. Swap, with the stack's services using the volumes scaled to 0 when --stop says so.
    for (const [name, n] of toStop) {
      o.log(`scaling ${name} from ${n} to 0`);
      await site.scale(name, 0);
      stopped.push([name, n]);
    }
    for (const t of targets) {
      const deadline = Date.now() + 60_000;
      // The helper mounts the volume too; only the others count.
      while ((await site.volumeUsers(t.name)).some((u) => u.container !== h.name)) {
        if (Date.now() > deadline)
          throw new Refused(
            `volume ${t.name} is still in use 60 s after its services were scaled to 0; nothing swapped`,
          );
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    for (const t of targets) {
      const root = manifest.files.find((e) => e.volume === t.logical && e.path === "")!;
      swapped.push({ logical: t.logical, root: roots.get(t.logical)! });
      await exec(h, [
        "bash",
        "-c",
        SWAP,
        "bash",
        `/v/${t.logical}`,
        stage,
        previous,
        `${root.uid}:${root.gid}`,
        root.mode,
      ]);
    }
    // 5. Every volume swapped: only now does the previous data go.
    for (const t of targets) await exec(h, ["rm", "-rf", "--one-file-system", `/v/${t.logical}/${previous}`]);
    swapped.length = 0;
    return manifest;
  } catch (e) {
    for (const s of swapped.reverse()) {
      await exec(h, [
        "bash",
        "-c",
        ROLLBACK,
        "bash",
        `/v/${s.logical}`,
        stage,
        previous,
        s.root.owner,
        s.root.mode,
      ]).catch((x: Error) =>
        o.log(`rollback of ${s.logical} failed: ${x.message}; the previous data is in ${previous} inside the volume`),
      );
    }
    for (const t of targets)
      await exec(h, ["rm", "-rf", "--one-file-system", `/v/${t.logical}/${stage}`]).catch(() => undefined);
    throw e;
  } finally {
    for (const [name, n] of stopped) {
      o.log(`scaling ${name} back to ${n}`);
      await site.scale(name, n).catch((x: Error) => o.log(`could not scale ${name} back to ${n}: ${x.message}`));
    }
    await site.removeHelper(h);
  }
};

export type { Helper };
