import { registryImages } from "../../components/images";
import { isRegistry } from "../schema/formats";
import type { Io } from "./io";

// Said after the rare usage errors the command line lets through (the definition is in defs/).
export const usage = "recette images --registry <registry>   (recette images --help for more)";

/** One line per image, for scripts/build-images: the local tag, a space, the registry's name for it. */
export const imagesCommand = (args: string[], io: Io): number => {
  const [flag, registry, ...rest] =
    args.length === 1 && args[0]?.startsWith("--registry=")
      ? ["--registry", args[0].slice("--registry=".length)]
      : args;
  if (flag !== "--registry" || !registry || rest.length > 0) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  if (!isRegistry(registry)) {
    io.err(
      `recette images: --registry ${JSON.stringify(registry)} is not a registry (expected e.g. rg.fr-par.scw.cloud/recette or 10.253.1.1:5000)`,
    );
    return 2;
  }
  for (const [local, remote] of registryImages(registry)) io.out(`${local} ${remote}`);
  return 0;
};
