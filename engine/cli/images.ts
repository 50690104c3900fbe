import { registryImages } from "../../components/images";
import { isRegistry, isVersion } from "../schema/formats";
import type { Io } from "./io";

// Said after the rare usage errors the command line lets through (the definition is in defs/).
export const usage = "recette images --registry <registry> [--pluxml <versions>]   (recette images --help for more)";

/** One line per image, for scripts/build-images: the local tag, a space, the registry's name for it. */
export const imagesCommand = (args: string[], io: Io): number => {
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(registry|pluxml)(?:=(.*))?$/s.exec(a);
    const value = m?.[2] ?? args[++i];
    if (!m || value === undefined || opts[m[1]!] !== undefined) {
      io.err(`usage: ${usage}`);
      return 2;
    }
    opts[m[1]!] = value;
  }
  const registry = opts.registry;
  if (!registry) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  if (!isRegistry(registry)) {
    io.err(
      `recette images: --registry ${JSON.stringify(registry)} is not a registry (expected e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000)`,
    );
    return 2;
  }
  const pluxml = (opts.pluxml ?? "").split(",").filter((v) => v !== "");
  const bad = pluxml.find((v) => !isVersion(v));
  if (bad !== undefined) {
    io.err(`recette images: --pluxml ${JSON.stringify(bad)} is not a version (e.g. 5.8.20,5.8.21)`);
    return 2;
  }
  for (const [local, remote] of registryImages(registry, [...new Set(pluxml)])) io.out(`${local} ${remote}`);
  return 0;
};
