type Io = { out: (s: string) => void; err: (s: string) => void };
interface Command {
  summary: string;
  usage: string;
  run: (args: string[], io: Io) => number | Promise<number>;
}

// Commands load lazily: `validate` and `explain` never pay for loading Pulumi and the providers.
const COMMANDS: Record<string, () => Command> = {
  validate: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./validate") as typeof import("./validate");
    return { summary: m.summary, usage: m.usage, run: m.validateCommand };
  },
  render: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./render") as typeof import("./render");
    return { summary: m.summary, usage: m.usage, run: m.renderCommand };
  },
  explain: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./explain") as typeof import("./explain");
    return { summary: m.summary, usage: m.usage, run: m.explainCommand };
  },
  backup: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./backup") as typeof import("./backup");
    return { summary: m.summary, usage: m.usage, run: m.backupCommand };
  },
  restore: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./restore") as typeof import("./restore");
    return { summary: m.summary, usage: m.usage, run: m.restoreCommand };
  },
  images: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./images") as typeof import("./images");
    return { summary: m.summary, usage: m.usage, run: m.imagesCommand };
  },
  preview: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./preview") as typeof import("./preview");
    return { summary: m.summary, usage: m.usage, run: (args, io) => m.previewCommand(args, io) };
  },
  drift: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./drift") as typeof import("./drift");
    return { summary: m.summary, usage: m.usage, run: (args, io) => m.driftCommand(args, io) };
  },
  schema: () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("./schema") as typeof import("./schema");
    return { summary: m.summary, usage: m.usage, run: m.schemaCommand };
  },
};

/** The commands the CLI knows, in the order help lists them (the docs check reads them here). */
export const commandNames = (): string[] => Object.keys(COMMANDS);

export const helpText = async (): Promise<string> => {
  const lines = ["recette: declarative infrastructure recipes on Pulumi", "", "commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const c = load();
    lines.push(`  ${name.padEnd(9)} ${c.summary}`, `            ${c.usage}`);
  }
  lines.push("", "Deploy with Pulumi itself: pulumi up -s <stack> (see README.md).");
  return lines.join("\n");
};

export const main = async (argv: string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> => {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(await helpText());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`recette: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(", ")}; run recette help)`);
    return 2;
  }
  return load().run(args, io);
};
