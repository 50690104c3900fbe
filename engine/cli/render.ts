import * as path from "node:path";
import { parseArgs } from "node:util";
import { formatProblem, RecipeError } from "../load";
import { ROOT } from "../root";
import { renderStack, writeArtifacts } from "../render";

export const summary = "run the Pulumi program under mocks and write what it declares (never deploys)";
export const usage = "recette render [recipe.yaml] --stack <name> --out <dir>   e.g. recette render recipes/blog.yaml --stack dev --out out/dev";

export const renderCommand = async (args: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { stack: { type: "string" }, out: { type: "string" } } });
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${usage}`);
    return 2;
  }
  const { stack, out } = parsed.values;
  if (!stack || !out || parsed.positionals.length > 1) {
    io.err(`usage: ${usage}`);
    return 2;
  }
  try {
    const rendered = await renderStack({ root: ROOT, stack, ...(parsed.positionals[0] ? { recipe: parsed.positionals[0] } : {}) });
    writeArtifacts(out, rendered.artifacts);
    io.out(`${rendered.registrations.length} resources, ${rendered.artifacts.length} files written to ${path.relative(process.cwd(), out) || "."} (secrets shown as [secret])`);
    return 0;
  } catch (e) {
    if (e instanceof RecipeError) {
      for (const p of e.problems) io.err(formatProblem(p));
      return 1;
    }
    io.err(`recette render: ${(e as Error).message}`);
    return 1;
  }
};
