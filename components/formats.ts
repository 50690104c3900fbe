/**
 * Grammars of values the orchestrators accept, as pure checks that return the problem or undefined.
 * The components refuse what breaks them; the recipe loader can use the same checks to report the
 * problem at the recipe's line instead (a rule lives once).
 */

/** A DNS-1123 label's characters with the Kubernetes name rule: alphanumeric at both ends. */
const K8S_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Label prefixes Kubernetes and k3s own: recette never sets (or removes) labels under them. */
export const RESERVED_LABEL_PREFIXES = ["kubernetes.io", "k8s.io", "k3s.io", "k3s.cattle.io"];

/** Why a key is not a Kubernetes label key recette may set (`[prefix/]name`), or undefined. */
export const kubernetesLabelKeyProblem = (key: string): string | undefined => {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (name.length === 0 || name.length > 63 || !K8S_NAME.test(name))
    return "a label name is 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  if (prefix !== undefined) {
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
      return "a label prefix is a lower-case DNS subdomain (example.org/name)";
    if (RESERVED_LABEL_PREFIXES.some((r) => prefix === r || prefix.endsWith(`.${r}`)))
      return `the prefix ${prefix} belongs to Kubernetes`;
  }
  return undefined;
};

/** Why a value is not a Kubernetes label value, or undefined (the empty value is allowed). */
export const kubernetesLabelValueProblem = (value: string): string | undefined =>
  value === "" || (value.length <= 63 && K8S_NAME.test(value))
    ? undefined
    : "a label value is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** Why a key cannot be a Swarm node label key, or undefined: `--label-add k=v` splits at the first `=`. */
export const swarmLabelKeyProblem = (key: string): string | undefined => {
  if (key === "") return "it is empty";
  if (key.includes("=")) return "it contains '=', where `docker node update --label-add` splits key from value";
  if (/[\u0000-\u001f\u007f]/.test(key))
    return "it contains a control character (the labels step reads keys one per line)";
  return undefined;
};
