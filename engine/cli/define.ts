/**
 * What a command is, apart from what it does: its name, one-line summary, arguments, options and
 * examples. `recette --help` and `recette <cmd> --help` are built from these alone; the implementation
 * is required only when the command runs (`load`), so help never pays for Pulumi, the providers or zod.
 */
export type Io = { out: (s: string) => void; err: (s: string) => void };

export interface ArgDef {
  /** As shown in usage, e.g. `recipe` gives `<recipe>` (required) or `[recipe]`. */
  name: string;
  description: string;
  required?: boolean;
  choices?: readonly string[];
  /** The last argument only: takes every remaining word (`[command...]`), e.g. a command to run after `--`. */
  variadic?: boolean;
}

export interface OptionDef {
  /** Commander's notation: `-s, --stack <name>` (takes a value) or `--force` (a switch). */
  flags: string;
  description: string;
  /** May be given more than once; the values arrive as a list. */
  multiple?: boolean;
  required?: boolean;
  choices?: readonly string[];
  /** Long names of options that cannot be given together with this one. */
  conflicts?: readonly string[];
}

/** Option values by long name (`--changed-from` is `changed-from`); absent options are absent. */
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  args: string[];
  opts: Values;
}

export type Run = (p: Parsed, io: Io) => number | Promise<number>;

export interface CommandDef {
  name: string;
  /** One line, shown in `recette --help`. */
  summary: string;
  /** More words for `recette <cmd> --help`: exit codes, what is written where. */
  details?: string;
  args?: readonly ArgDef[];
  options?: readonly OptionDef[];
  /** Whole command lines, each with a comment after `#` saying what it does. */
  examples: readonly string[];
  /**
   * Required only when the command runs. `require`, not `import()`: under tsx's CommonJS hook (bin/recette
   * on the sources) a dynamic import would bypass the TypeScript loader. (Vitest cannot `require` a .ts
   * file: tests that run a command's implementation run bin/recette.)
   */
  load: () => Promise<Run>;
}

/** The long name of an option's flags: `-s, --stack <name>` → `stack`. */
export const longName = (flags: string): string => {
  const m = /--([a-z][a-z0-9-]*)/.exec(flags);
  if (!m) throw new Error(`option ${flags} has no --long name`);
  return m[1]!;
};

/** Whether the option takes a value (`<name>`), as opposed to a switch. */
export const takesValue = (flags: string): boolean => /[<[]/.test(flags);

/**
 * The argument list an older `xxxCommand(args, io)` implementation parses, from what the CLI parsed:
 * long names only (so `-s dev` reaches it as `--stack=dev`), `--name=value` so that a value starting
 * with `-` stays a value, then `--` and the positionals (so that a file named `-x` stays a file).
 */
export const toArgv = (def: Pick<CommandDef, "options">, p: Parsed): string[] => {
  const out: string[] = [];
  for (const o of def.options ?? []) {
    const name = longName(o.flags);
    const v = p.opts[name];
    if (v === undefined || v === false) continue;
    if (v === true) out.push(`--${name}`);
    else for (const one of Array.isArray(v) ? v : [v]) out.push(`--${name}=${one}`);
  }
  return p.args.length ? [...out, "--", ...p.args] : out;
};

/** Commander keys option values by camel case (`changed-from` → `changedFrom`). */
export const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** An argument as usage shows it: `<node>`, `[recipe]`, `[command...]`. */
export const argUsage = (a: ArgDef): string => {
  const name = a.variadic ? `${a.name}...` : a.name;
  return a.required ? `<${name}>` : `[${name}]`;
};

/** The short usage line after `recette <name>`: required options spelled out, the others as [options]. */
export const usageOf = (def: Pick<CommandDef, "args" | "options">): string => {
  const options = def.options ?? [];
  const required = options.filter((o) => o.required).map((o) => o.flags.replace(/^-[a-z], /, ""));
  const args = (def.args ?? []).map((a) => argUsage(a));
  return [...args, ...required, ...(options.some((o) => !o.required) ? ["[options]"] : [])].join(" ");
};

/** Wraps an implementation that parses its own argument list (backup, restore, preview, drift…). */
export const argvCommand =
  (def: Pick<CommandDef, "options">, run: (args: string[], io: Io) => number | Promise<number>): Run =>
  (p, io) =>
    run(toArgv(def, p), io);
