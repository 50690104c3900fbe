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
 * Every image a stack pulls that scripts/build-images makes, as [the local tag, its name in
 * `registry`]: what `build-images --push` tags and pushes. The Debian base is not pulled by stacks.
 */
export declare const registryImages: (registry: string) => [local: string, remote: string][];
