import { registryImages } from "../../components/images";
import { isRegistry, isVersion } from "../schema/formats";
import type { Run } from "./define";

/** One line per image, for scripts/build-images: the local tag, a space, the registry's name for it. */
export const imagesRun: Run = ({ opts }, io) => {
  // The CLI library has parsed the options: --registry is required, each given at most once.
  const registry = String(opts.registry);
  if (!isRegistry(registry)) {
    io.err(
      `recette images: --registry ${JSON.stringify(registry)} is not a ` +
        "registry (expected e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000)",
    );
    return 2;
  }
  const pluxml = String(opts.pluxml ?? "")
    .split(",")
    .filter((v) => v !== "");
  const bad = pluxml.find((v) => !isVersion(v));
  if (bad !== undefined) {
    io.err(`recette images: --pluxml ${JSON.stringify(bad)} is not a version (e.g. 5.8.20,5.8.21)`);
    return 2;
  }
  for (const [local, remote] of registryImages(registry, [...new Set(pluxml)])) io.out(`${local} ${remote}`);
  return 0;
};
