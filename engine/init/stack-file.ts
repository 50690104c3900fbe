import type { RefUse } from "../compose/refs";

/** A template's recipe and what its stack must hold besides what the recipe reads. */
export interface TemplateSpec {
  /** The stack `recette init` names when --stack is not given. */
  stack: string;
  /** What this kind of nodes needs: the registry of recette's images and provider credentials. */
  extra: Setting[];
}

/** One value a stack holds: set in the stack file now (`value`), or by the user with the command shown. */
export interface Setting {
  key: string;
  secret?: boolean;
  /** Written into the stack file as is. */
  value?: string;
  /** What the user types in place of the value, in the command (e.g. you@example.org); never for a secret. */
  hint?: string;
  /** A secret read from this file (`< ~/.ssh/id_ed25519`); other secrets are asked for, never typed in argv. */
  from?: string;
  /** Why it is needed, said after the command. */
  note?: string;
}

export const TEMPLATES: Record<string, TemplateSpec> = {
  local: { stack: "local", extra: [{ key: "imageRegistry", value: "local" }] },
  "scaleway-swarm": { stack: "dev", extra: [registry(), ...scaleway()] },
  "scaleway-k3s": { stack: "dev", extra: [registry(), ...scaleway()] },
  hosts: { stack: "dev", extra: [registry()] },
};

function registry(): Setting {
  return {
    key: "imageRegistry",
    hint: "rg.fr-par.scw.cloud/<namespace>",
    note: "push recette's images there first: bash node_modules/recette/scripts/build-images --push <registry>",
  };
}

function scaleway(): Setting[] {
  return [
    { key: "scaleway:access_key", hint: "<access-key>" },
    { key: "scaleway:secret_key", secret: true },
    { key: "scaleway:project_id", hint: "<project-id>" },
  ];
}

/** What the user types for a value the recipe reads, by the keys recette's templates use. */
const HINTS: Record<string, Pick<Setting, "hint" | "note" | "from">> = {
  acmeEmail: { hint: "you@example.org", note: "Let's Encrypt writes there before a certificate expires" },
  contactAddress: { hint: "contact@example.org" },
  smtpUser: { hint: "<smtp-user>" },
  blogAdminPassword: { note: "the blog's admin, set when it is installed" },
  sshPublicKey: { hint: '"$(cat ~/.ssh/id_ed25519.pub)"' },
  sshPrivateKey: { from: "~/.ssh/id_ed25519", note: "recette reaches the nodes with it" },
};

/** The settings a stack needs: the recipe's `{ config }` and `{ secret }` keys (once each), then the template's. */
export const stackSettings = (refs: RefUse[], spec: TemplateSpec): Setting[] => {
  const seen = new Set<string>();
  const fromRecipe = refs.flatMap((r): Setting[] => {
    if (seen.has(r.key)) return [];
    seen.add(r.key);
    const secret = r.kind === "secret";
    return [{ key: r.key, secret, ...(secret ? {} : { hint: `<${r.key}>` }), ...HINTS[r.key] }];
  });
  return [...fromRecipe, ...spec.extra.filter((s) => !seen.has(s.key))];
};

/**
 * The command that sets one value; keys without a namespace are the project's. A secret is asked for (or
 * read from its file), so that it never appears in the shell's history or in a process list.
 */
export const configSetCommand = (s: Setting, stack: string): string =>
  s.secret
    ? ["recette config set --secret", s.key, "-s", stack, ...(s.from ? ["<", s.from] : [])].join(" ")
    : ["recette config set", s.key, s.hint ?? `<${s.key}>`, "-s", stack].join(" ");

/**
 * stacks/Pulumi.<stack>.yaml: the recipe and the values known now, and as comments the exact commands
 * for the rest (secrets are stored encrypted in this file by those commands, never typed into it).
 */
export const renderStackFile = (o: { project: string; stack: string; recipe: string; settings: Setting[] }): string => {
  const todo = o.settings.filter((s) => s.value === undefined);
  const known = o.settings.filter((s) => s.value !== undefined);
  const qualified = (key: string) => (key.includes(":") ? key : `${o.project}:${key}`);
  const lines = [
    `# The ${o.stack} stack of ${o.project}: the recipe it deploys and the values that recipe reads.`,
    ...(todo.length
      ? [
          "# Set these before deploying, in this folder (a --secret value is asked for, then stored encrypted here):",
          ...todo.map((s) => `#   ${configSetCommand(s, o.stack)}${s.note ? `   (${s.note})` : ""}`),
        ]
      : []),
    `# A production stack says so here: ${o.project}:production: true (Let's Encrypt's production CA by default,`,
    "# protected volumes). Any other stack is not production, whatever its name.",
    "config:",
    `  ${o.project}:recipe: ${o.recipe}`,
    ...known.map((s) => `  ${qualified(s.key)}: ${s.value}`),
    "",
  ];
  return lines.join("\n");
};
