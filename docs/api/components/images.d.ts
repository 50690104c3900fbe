/** images/versions.env: the one place image versions are pinned (scripts/build-images reads it too). */
export declare const VERSIONS_FILE: string;
export declare const parseVersions: (text: string) => Record<string, string>;
export declare const versions: () => Record<string, string>;
/** Docker tags cannot hold + or ~ (Debian versions do). */
export declare const tagOf: (version: string) => string;
/**
 * Where images come from. `local`: the tags scripts/build-images makes on this machine. Otherwise a
 * registry the user pushed recette's images to (stack config `imageRegistry`, e.g.
 * rg.fr-par.scw.cloud/recette or the lab's 10.253.1.1:5000): `<registry>/<name>:<tag>` for every
 * image, Traefik included (scripts/build-images --push REGISTRY pushes exactly these names, as
 * `recette images --registry REGISTRY` lists them).
 */
export interface ImageSource {
    registry: "local" | string;
}
export declare const traefikImage: (src: ImageSource, version?: string) => string;
export declare const pluxmlImage: (src: ImageSource, version?: string) => string;
export declare const opensmtpdImage: (src: ImageSource) => string;
/** The local test ACME CA (edge.traefik.acme.ca: pebble). */
export declare const pebbleImage: (src: ImageSource) => string;
/**
 * recette's Debian base: the helper `recette backup` and `restore` run on the node that holds a
 * stack's volumes (GNU tar, coreutils, findutils), so it is pushed beside the stack's images.
 */
export declare const baseImage: (src: ImageSource) => string;
/**
 * Every image a stack's nodes pull that scripts/build-images makes, as [the local tag, its name in
 * `registry`]: what `build-images --push` tags and pushes (the Debian base for backup and restore).
 * `pluxml`: the PluXml releases to list (default: the pinned one), one line each.
 */
export declare const registryImages: (registry: string, pluxml?: string[]) => [local: string, remote: string][];
