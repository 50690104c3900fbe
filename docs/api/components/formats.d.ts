/**
 * Grammars of values the orchestrators accept, as pure checks that return the problem or undefined.
 * The components refuse what breaks them; the recipe loader can use the same checks to report the
 * problem at the recipe's line instead (a rule lives once).
 */
/** Label prefixes Kubernetes and k3s own: recette never sets (or removes) labels under them. */
export declare const RESERVED_LABEL_PREFIXES: string[];
/** Why a key is not a Kubernetes label key recette may set (`[prefix/]name`), or undefined. */
export declare const kubernetesLabelKeyProblem: (key: string) => string | undefined;
/** Why a value is not a Kubernetes label value, or undefined (the empty value is allowed). */
export declare const kubernetesLabelValueProblem: (value: string) => string | undefined;
/** Why a key cannot be a Swarm node label key, or undefined: `--label-add k=v` splits at the first `=`. */
export declare const swarmLabelKeyProblem: (key: string) => string | undefined;
