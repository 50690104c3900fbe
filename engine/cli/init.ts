import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { collectRefs } from "../compose/refs";
import { stackSettings, renderStackFile, TEMPLATES } from "../init/stack-file";
import { loadRecipe } from "../load";
import { escapeControls } from "../load/text";
import { validateProjectName } from "../project";
import { PACKAGE_ROOT } from "../root";
import { validateStackName } from "../stack/name";
import { packRunning, VENDOR_DIR } from "../init/vendor";
import type { Run, Values } from "./define";

// Said after the rare usage errors the command line lets through (the definition is in defs/init.ts).
export const usage =
  "recette init [dir] [--template <name>] [--name <project>] [-s <stack>]   (recette init --help for more)";

export interface InitOptions {
  /** The project's folder: created when missing; one holding a Pulumi.yaml is refused. */
  dir: string;
  /** The Pulumi project name; defaults to the folder's name. */
  name?: string;
  /** local (default), scaleway-swarm, scaleway-k3s or hosts: the recipe and what its stack needs. */
  template?: string;
  /** The first stack; defaults to the template's (local, or dev). */
  stack?: string;
  /** A recette tarball (npm pack) to copy into vendor/ instead of packing the running recette. */
  packageFile?: string;
}

type Io = { out: (s: string) => void; err: (s: string) => void };

/** A new project: its files (relative to its folder) and the recette tarball it carries (`from` a --package file). */
export interface ProjectPlan {
  files: { file: string; content: string }[];
  vendor: { file: string; from?: string };
}

/** The files of a new project, relative to its folder, or why they cannot be made. */
export const planProject = (o: InitOptions): ProjectPlan | { problem: string } => {
  const template = o.template ?? "local";
  const spec = TEMPLATES[template];
  if (!spec) {
    const known = Object.keys(TEMPLATES).join(", ");
    return { problem: `--template ${JSON.stringify(template)}: no such template (one of: ${known})` };
  }
  const name = o.name ?? path.basename(path.resolve(o.dir));
  const badName = validateProjectName(name);
  if (badName)
    return { problem: o.name ? `--name ${badName}` : `the folder's name ${badName} (fix: --name <project>)` };
  const stack = o.stack ?? spec.stack;
  const badStack = validateStackName(stack);
  if (badStack) return { problem: `--stack ${badStack}` };
  const recipeFile = `recipes/${template}.yaml`;
  const source = path.join(PACKAGE_ROOT, "templates", "recipes", `${template}.yaml`);
  const recipe = loadRecipe(source).recipe;
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
    dependencies: Record<string, string>;
  };
  if (o.packageFile !== undefined && !fs.statSync(o.packageFile, { throwIfNoEntry: false })?.isFile())
    return { problem: `--package ${o.packageFile}: no such file (give a recette tarball made by npm pack)` };
  // Never the registry's `recette` (another project's name there): the project carries its own release.
  const vendored = `${VENDOR_DIR}/${o.packageFile ? path.basename(o.packageFile) : `recette-${pkg.version}.tgz`}`;
  const recette = `file:${vendored}`;
  const packageJson = {
    name,
    private: true,
    description: `${name}: infrastructure described by a recette recipe (recipes/), deployed with Pulumi`,
    main: "index.js",
    scripts: { validate: `recette validate ${recipeFile}` },
    // @pulumi/pulumi beside recette, at recette's version: the program and recette share its runtime.
    dependencies: { "@pulumi/pulumi": pkg.dependencies["@pulumi/pulumi"], recette },
  };
  return {
    files: [
      { file: "Pulumi.yaml", content: pulumiYaml(name) },
      { file: "package.json", content: `${JSON.stringify(packageJson, null, 2)}\n` },
      {
        file: "index.js",
        content:
          "// The Pulumi program: recette reads the stack's recipe (stacks/Pulumi.<stack>.yaml) and declares it.\n" +
          'module.exports = require("recette").runProgram();\n',
      },
      { file: recipeFile, content: fs.readFileSync(source, "utf8") },
      {
        file: `stacks/Pulumi.${stack.slice(stack.lastIndexOf("/") + 1)}.yaml`,
        content: renderStackFile({
          project: name,
          stack,
          recipe: recipeFile,
          settings: stackSettings(collectRefs(recipe), spec),
        }),
      },
      {
        file: ".gitignore",
        content: "node_modules/\n# the local state backend (npx recette, pulumi login file://…)\n.recette/\n",
      },
    ],
    vendor: { file: vendored, ...(o.packageFile ? { from: path.resolve(o.packageFile) } : {}) },
  };
};

const pulumiYaml = (name: string): string =>
  [
    `name: ${name}`,
    `description: ${name}, described by a recette recipe (recipes/) and deployed with Pulumi`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: false",
    "main: index.js",
    "stackConfigDir: stacks",
    "config:",
    `  ${name}:recipe:`,
    "    type: string",
    "    description: The recipe this stack deploys, relative to this folder (e.g. recipes/local.yaml).",
    "",
  ].join("\n");

/**
 * Writes a new project into `o.dir` and prints what it wrote and the next two commands. The project carries the
 * recette it was made with in vendor/: the --package tarball, copied, or the running recette, packed (`pack`,
 * npm pack by default). Exit 0; 1 when refused (the folder already holds a Pulumi project, or a file it would
 * write) or when the tarball cannot be made: nothing is written then, and nothing is ever overwritten; 2 for a
 * bad option.
 */
export const initProject = (o: InitOptions, io: Io, pack: (destination: string) => string = packRunning): number => {
  const plan = planProject(o);
  if ("problem" in plan) {
    io.err(`recette init: ${escapeControls(plan.problem)}`);
    return 2;
  }
  const dir = path.resolve(o.dir);
  const shown = (f: string) => escapeControls(path.relative(process.cwd(), path.join(dir, f)) || f);
  if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
    io.err(
      `recette init: ${shown("Pulumi.yaml")} exists: this folder is a Pulumi project already; nothing was written`,
    );
    return 1;
  }
  const taken = [plan.vendor, ...plan.files].find((f) => fs.existsSync(path.join(dir, f.file)));
  if (taken) {
    io.err(`recette init: ${shown(taken.file)} exists; nothing was written (init never overwrites a file)`);
    return 1;
  }
  const problem = vendorRecette(dir, plan.vendor, pack, io);
  if (problem) {
    io.err(`recette init: ${shown(plan.vendor.file)}: ${escapeControls(problem)}`);
    return 1;
  }
  io.out(`wrote ${shown(plan.vendor.file)}`);
  for (const f of plan.files) {
    try {
      fs.mkdirSync(path.dirname(path.join(dir, f.file)), { recursive: true });
      // wx: a file that appeared since the check above is refused, not overwritten.
      fs.writeFileSync(path.join(dir, f.file), f.content, { flag: "wx" });
    } catch (e) {
      io.err(`recette init: ${shown(f.file)}: ${writeFailure(e)}`);
      return 1;
    }
    io.out(`wrote ${shown(f.file)}`);
  }
  const recipe = plan.files[3]!.file;
  const cd = path.relative(process.cwd(), dir);
  io.out(`${plan.vendor.file} is the recette release this project runs (package.json depends on it): commit it.`);
  io.out(
    `to upgrade: copy a newer recette-<version>.tgz into ${VENDOR_DIR}/, ` +
      `then npm install ./${VENDOR_DIR}/recette-<version>.tgz`,
  );
  io.out("next:");
  io.out(`  ${cd ? `cd ${escapeControls(cd)} && ` : ""}npm install`);
  io.out(`  npx recette validate ${recipe}`);
  return 0;
};

/**
 * Puts the project's recette tarball in place: a copy of the --package file, or `pack` of the running recette
 * into vendor/. Returns why it failed (having removed the folder when it made it), or undefined.
 */
const vendorRecette = (
  dir: string,
  vendor: ProjectPlan["vendor"],
  pack: (destination: string) => string,
  io: Io,
): string | undefined => {
  const folder = path.join(dir, VENDOR_DIR);
  const target = path.join(dir, vendor.file);
  let made = false;
  try {
    made = !fs.existsSync(folder);
    fs.mkdirSync(folder, { recursive: true });
    if (vendor.from) fs.copyFileSync(vendor.from, target, fs.constants.COPYFILE_EXCL);
    else {
      io.out(`packing the running recette into ${vendor.file} (npm pack)`);
      const name = pack(folder);
      if (`${VENDOR_DIR}/${name}` !== vendor.file) {
        fs.rmSync(path.join(folder, name), { force: true });
        throw new Error(`npm pack wrote ${name}, not ${path.basename(vendor.file)}`);
      }
    }
    return undefined;
  } catch (e) {
    // Only what init made goes: the folder when it made it (a failed pack leaves no file in it).
    if (made && fs.existsSync(folder)) fs.rmSync(folder, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    return `${code ? writeFailure(e) : (e as Error).message}; nothing was written`;
  }
};

/** Why a file could not be written, in our words. */
const writeFailure = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied (pick a folder you can write to)";
  if (code === "ENOTDIR" || code === "EEXIST") return "a file is in the way of this path (pick another folder)";
  if (code === "EROFS") return "the file system is read-only";
  return `cannot be written (${code ?? String(e)})`;
};

const text = (v: Values[string]): string | undefined => (typeof v === "string" ? v : undefined);

/** The command as the CLI runs it (engine/cli/defs/init.ts): the folder and the options, parsed. */
export const initRun: Run = ({ args, opts }, io) => {
  const name = text(opts.name);
  const template = text(opts.template);
  const stack = text(opts.stack);
  const packageFile = text(opts.package);
  return initProject(
    {
      dir: args[0] ?? ".",
      ...(name !== undefined ? { name } : {}),
      ...(template !== undefined ? { template } : {}),
      ...(stack !== undefined ? { stack } : {}),
      ...(packageFile !== undefined ? { packageFile } : {}),
    },
    io,
  );
};

/** The same from an argument list (tests, scripts). */
export const initCommand = (args: string[], io: Io): number => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        template: { type: "string" },
        stack: { type: "string" },
        package: { type: "string" },
      },
    });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  const v = parsed.values;
  return initProject(
    {
      dir: parsed.positionals[0] ?? ".",
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.template !== undefined ? { template: v.template } : {}),
      ...(v.stack !== undefined ? { stack: v.stack } : {}),
      ...(v.package !== undefined ? { packageFile: v.package } : {}),
    },
    io,
  );
};
