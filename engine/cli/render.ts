import * as path from "node:path";
import { parseArgs } from "node:util";
import { formatProblem, RecipeError } from "../load";
import { escapeControls, escapeLines } from "../load/text";
import { findProject, ProjectError, projectRootOrHere } from "../project";
import { checkRenderTarget, OutputRefused, writeArtifacts } from "../render/output";
import { listStacks, validateStackName } from "../stack/name";

// Said after the rare usage errors the command line lets through (the definition is in defs/).
export const usage = "recette render [recipe] --stack <name> --out <dir>   (recette render --help for more)";

/**
 * Exit 0 with the files written; 1 when the recipe, the stack's values or the output directory are
 * refused (nothing is written then); 2 on a usage error. `--out` must be new, empty, or a previous
 * render's directory (see engine/render/output.ts): render never removes what it did not create.
 */
export const renderCommand = async (
  args: string[],
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { stack: { type: "string" }, out: { type: "string" } },
    });
  } catch (e) {
    io.err(`${escapeControls((e as Error).message)}\nusage: ${usage}`);
    return 2;
  }
  const { stack, out } = parsed.values;
  if (!stack || !out || parsed.positionals.length > 1) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  const badStack = validateStackName(stack);
  if (badStack) {
    io.err(`recette render: --stack ${badStack} (stacks here: ${listStacks(projectRootOrHere()).join(", ")})`);
    return 2;
  }
  try {
    checkRenderTarget(out);
    // Loaded only now: usage errors and refused directories answer without loading Pulumi and the providers.
    const { renderStack } = require("../render/render") as typeof import("../render/render");
    const recipe = parsed.positionals[0];
    const rendered = await renderStack({ root: findProject().root, stack, ...(recipe ? { recipe } : {}) });
    writeArtifacts(out, rendered.artifacts);
    // Warnings (e.g. a secret the stack does not set yet: preview and up will refuse it) never stop a render.
    for (const w of rendered.warnings) io.err(formatProblem(w));
    io.out(
      `${rendered.registrations.length} resources, ${rendered.artifacts.length} files written to ` +
        `${escapeControls(path.relative(process.cwd(), out) || ".")} (secrets shown as [secret])`,
    );
    return 0;
  } catch (e) {
    if (e instanceof RecipeError) {
      for (const p of e.problems) io.err(formatProblem(p));
      return 1;
    }
    if (e instanceof OutputRefused || e instanceof ProjectError) {
      io.err(`recette render: ${e.message}`);
      return 1;
    }
    io.err(`recette render: ${escapeLines((e as Error).message)}`);
    return 1;
  }
};
